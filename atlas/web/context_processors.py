from django.conf import settings


def atlas(request):
    """`offline_copy` is set on the requests `atlas export-site` renders for the static copy
    (atlas/offline/pages.py, OfflineCopy): templates leave out what needs the server."""
    return {"quick_exit_url": settings.ATLAS_QUICK_EXIT_URL,
            "offline_copy": getattr(request, "offline_copy", None)}
