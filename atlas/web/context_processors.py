from django.conf import settings


def atlas(request):
    return {"quick_exit_url": settings.ATLAS_QUICK_EXIT_URL}
