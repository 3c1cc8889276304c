"""The map's static files survive the production static storage (hashed, compressed names)."""

from django.core.management import call_command


def test_collectstatic_with_the_production_storage_processes_the_map_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    # Fails on any url() or sourceMappingURL pointing at a file that is not there.
    call_command("collectstatic", interactive=False, verbosity=0)
    collected = {p.name for p in tmp_path.rglob("*")}
    for name in ("leaflet.js", "leaflet.markercluster.js", "countries.json", "map.js"):
        stem, _dot, ext = name.rpartition(".")
        assert any(n.startswith(stem + ".") and n.endswith("." + ext) and n != name
                   for n in collected), f"no hashed copy of {name}"
