"""The site's URLs plus a view that fails, for the server error page's tests."""

from django.urls import path

from atlas.urls import handler500  # noqa: F401 - the site's own 500 handler, under test
from atlas.urls import urlpatterns as atlas_urlpatterns


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken), *atlas_urlpatterns]
