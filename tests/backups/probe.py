"""Everything a restored Atlas must give back, as JSON on standard output.

`python -m tests.backups.probe [--counts]`, with ATLAS_DATABASE_URL set: the rows of every table,
and (without --counts) every page of the API's tools, organisations and helplines, its countries
and vocabularies, the JSON export, and every submission as stored.
"""

import datetime
import io
import json
import os
import sys


def tables() -> dict:
    from django.db import connection
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def api_pages(client, url) -> list:
    results = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.json()
        results += body["results"]
        url = body["next"]
    return results


def main(counts_only: bool) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "atlas.settings.test"
    import django
    django.setup()
    from django.utils import timezone
    # Whether a helpline is open (and so the order of the lines) depends on the moment asked:
    # every probe asks at the same one.
    moment = datetime.datetime(2026, 1, 7, 10, 0, tzinfo=datetime.timezone.utc)
    timezone.now = lambda: moment
    out = {"tables": tables()}
    if not counts_only:
        from django.test import Client

        from atlas.catalogue.exporters import export_tools
        from atlas.submissions.models import Submission
        client = Client()
        out["api"] = {name: api_pages(client, url) for name, url in (
            ("tools", "/api/v1/tools?per_page=100"), ("organisations", "/api/v1/organisations"),
            ("helplines", "/api/v1/helplines"))}
        out["api"]["countries"] = client.get("/api/v1/countries").json()
        out["api"]["vocabularies"] = client.get("/api/v1/vocabularies").json()
        buffer = io.StringIO()
        export_tools(fmt="json", out=buffer)
        out["export"] = buffer.getvalue()
        out["submissions"] = {
            str(s.pk): [s.kind, s.status, str(s.received_on), s.sealed,
                        json.dumps(s.payload, sort_keys=True)]
            for s in Submission.objects.all()}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main("--counts" in sys.argv[1:])
