"""One global submission rate limit, counted in Django's cache. No per-person key is kept.

The default cache is per process: with several app servers, configure a shared cache (Redis,
Memcached or the database cache) so the limit holds across them (docs/curation.md).
"""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone


def submission_allowed() -> bool:
    """Count one submission attempt; False once this hour's allowance is used up."""
    hour = timezone.now().strftime("%Y%m%d%H")
    key = f"atlas:submissions:{hour}"
    cache.add(key, 0, timeout=3700)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=3700)
        count = 1
    return count <= settings.ATLAS_SUBMISSIONS_PER_HOUR
