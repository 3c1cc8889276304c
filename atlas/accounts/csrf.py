"""Django's CSRF protection, fitted to `Referrer-Policy: no-referrer`.

Under no-referrer, browsers send `Origin: null` and no `Referer` with a same-origin form POST, so
Django's origin check (and, over HTTPS, its referer check) refuses every form on the site. The
Fetch Metadata header `Sec-Fetch-Site`, which pages cannot forge, still says where the request
came from: "same-origin" stands in for the origin and referer checks. The CSRF token (in a
SameSite=Lax cookie and the form) is checked as always; any other Origin is checked as always.
"""

from django.middleware.csrf import CsrfViewMiddleware


def _same_origin_by_fetch_metadata(request) -> bool:
    return request.META.get("HTTP_SEC_FETCH_SITE") == "same-origin"


class NoReferrerCsrfViewMiddleware(CsrfViewMiddleware):
    def _origin_verified(self, request):
        if request.META.get("HTTP_ORIGIN") == "null" and _same_origin_by_fetch_metadata(request):
            return True
        return super()._origin_verified(request)

    def _check_referer(self, request):
        if request.META.get("HTTP_REFERER") is None and _same_origin_by_fetch_metadata(request):
            return
        super()._check_referer(request)
