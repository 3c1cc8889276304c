"""Machine-readable endpoints, without a language prefix: API, exports, feeds, sitemap, robots."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import URLPattern, include, path

from atlas.api import views
from atlas.api.api import api
from atlas.api.feeds import ToolsFeed
from atlas.api.http import json_method_errors, open_data
from atlas.api.sitemaps import SITEMAPS


def _with_open_data(patterns):
    """The ninja operations, each wrapped with validators, 304s and CORS.

    ninja's root view only answers 404; the root here lists the endpoints instead (the pattern
    keeps its name, which ninja reverses to find the API's prefix).
    """
    return [URLPattern(p.pattern, open_data(views.api_index if p.name == "api-root"
                                            else json_method_errors(p.callback)),
                       p.default_args, p.name)
            if isinstance(p, URLPattern) else p for p in patterns]


_api_patterns, _api_app, _api_namespace = api.urls

app_name = "api"
urlpatterns = [
    path("api/v1/", include((_with_open_data(_api_patterns), _api_namespace))),
    path("api/v1/<path:rest>", open_data(views.api_not_found)),  # after every endpoint
    path("exports/tools.<str:fmt>", open_data(views.tool_export), name="tool_export"),
    path("feeds/tools.atom", open_data(ToolsFeed()),
         name="tools_feed"),
    path("sitemap.xml", sitemap_views.index,
         {"sitemaps": SITEMAPS, "sitemap_url_name": "api:sitemap_section"}, name="sitemap"),
    path("sitemap-<section>.xml", sitemap_views.sitemap,
         {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("robots.txt", views.robots_txt, name="robots"),
]
