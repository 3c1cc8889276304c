from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from atlas.helplines import views as helpline_views
from atlas.web import views as web_views

urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    # Framed by partner sites; its language comes from ?lang= rather than a path prefix.
    path("embed/helplines/", helpline_views.helpline_embed, name="helpline_embed"),
    path(".well-known/security.txt", web_views.security_txt, name="security_txt"),
    # Machine-readable endpoints are not language-prefixed.
    path("", include("atlas.api.urls")),
    path("admin/", admin.site.urls),
]
urlpatterns += i18n_patterns(
    path("", include("atlas.web.urls")),
    path("", include("atlas.catalogue.urls")),
    path("helplines/", include("atlas.helplines.urls")),
    path("", include("atlas.geo.urls")),
    path("", include("atlas.insights.urls")),
    path("", include("atlas.submissions.urls")),
    prefix_default_language=False,
)

# The server error page keeps the quick exit (Django's default renders it without any context).
handler500 = "atlas.web.views.server_error"
