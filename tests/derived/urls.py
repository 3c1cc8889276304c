"""A view whose page depends on the clock, for tests/derived/test_page_cache.py."""

import datetime

from django.http import HttpResponse
from django.urls import path

from atlas.urls import urlpatterns as atlas_urlpatterns
from django.utils import timezone

SERVED = []


def open_now(request):
    SERVED.append(request.path)
    response = HttpResponse(f"<p>Open now ({len(SERVED)})</p>", content_type="text/html")
    response.valid_until = timezone.now() + datetime.timedelta(seconds=30)
    return response


urlpatterns = [path("open-now/", open_now), *atlas_urlpatterns]
