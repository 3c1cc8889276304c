"""Everything the database holds, as text: for tests that look for leaked plaintext."""

from django.apps import apps
from django.db import connection


def database_text() -> str:
    """Every row of every table (not only the Atlas's models), as one string."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                parts.append(" ".join(
                    bytes(v).decode("latin-1") if isinstance(v, (bytes, memoryview)) else str(v)
                    for v in row))
    assert apps.get_models(), "no models?"
    return "\n".join(parts)
