"""Many rows written in a short transaction: staged first in temporary tables, then copied.

A bulk import converts and sends every row to the database before it takes the write lock: into
temporary tables of its own connection (SQLite keeps them in a separate temporary database, so
writing them takes no lock on the catalogue; PostgreSQL keeps them private to the session). The
write transaction then only runs one INSERT ... SELECT (or UPDATE ... FROM) per table, inside the
database, where tools find their ids and organisations by slug. On SQLite that holds the write
lock about a third as long as sending the rows inside the transaction did (bench/RESULTS.md,
"Import"). The SQL is the same on both databases.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

from atlas.catalogue.models import (Deployment, Organisation, SearchBacklog, Source, Tool,
                                    ToolOrganisation)

SEND_CHUNK = 5000
# SQLite's page cache during the copy, in KiB (negative: a size, not pages). With the default
# 2 MB, a big copy writes index pages out to the log and back many times: 64 MB cut the copy of
# 100,000 tools from 2.8 s to 2.2 s (bench/RESULTS.md, "Import").
COPY_CACHE_KIB = 65536


def _table(model):
    return connections[DEFAULT_DB_ALIAS].ops.quote_name(model._meta.db_table)


def _column(model, name):
    return connections[DEFAULT_DB_ALIAS].ops.quote_name(model._meta.get_field(name).column)


class StagedRows:
    """Rows for one temporary table, converted for the database when they are added.

    Plain values (tuples in the order of `columns`), no model instances: for a bulk import,
    Django's bulk_create spent most of its time building and compiling them. `columns` are
    (name, model, field): each staged column has the type of that field, and its values go
    through the field's get_db_prep_save where the database needs a conversion (JSON, dates), so
    they are stored as the ORM would store them. A last column, `n`, numbers the rows in the
    order they were added.
    """

    def __init__(self, name: str, columns: list[tuple[str, type, str]]):
        self.db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: the proxy costs a lookup
        self.name, self.columns = name, columns
        fields = [model._meta.get_field(field) for _name, model, field in columns]
        self.convert = [(i, f.get_db_prep_save) for i, f in enumerate(fields)
                        if f.get_internal_type() in ("JSONField", "DateField", "DateTimeField")]
        self.rows = []
        self._done = {}  # a date or time is converted once: imports write one "now" everywhere

    def add(self, row) -> None:
        row = list(row)
        for i, prep in self.convert:
            value = row[i]
            if isinstance(value, (list, dict)):
                row[i] = prep(value, self.db)
            else:
                if (i, value) not in self._done:
                    self._done[i, value] = prep(value, self.db)
                row[i] = self._done[i, value]
        row.append(len(self.rows))
        self.rows.append(row)

    def send(self) -> None:
        """Create the temporary table (empty, with the columns' types) and send every row."""
        quote = self.db.ops.quote_name
        models = list(dict.fromkeys(model for _name, model, _field in self.columns))
        alias = {model: f"t{i}" for i, model in enumerate(models)}
        select = ", ".join(f"{alias[model]}.{_column(model, field)} AS {quote(name)}"
                           for name, model, field in self.columns)
        tables = ", ".join(f"{_table(model)} {alias[model]}" for model in models)
        names = [quote(name) for name, _model, _field in self.columns] + ["n"]
        with self.db.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {quote(self.name)}")
            cursor.execute(f"CREATE TEMPORARY TABLE {quote(self.name)} AS SELECT {select}, "
                           f"0 AS n FROM {tables} WHERE 1 = 0")
            sql = (f"INSERT INTO {quote(self.name)} ({', '.join(names)}) "
                   f"VALUES ({', '.join(['%s'] * len(names))})")
            for start in range(0, len(self.rows), SEND_CHUNK):
                cursor.executemany(sql, self.rows[start:start + SEND_CHUNK])

    def drop(self) -> None:
        if self.db.needs_rollback:  # an enclosing transaction fails: the table goes with it
            return
        with self.db.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.db.ops.quote_name(self.name)}")


def tool_stages(scalars) -> dict[str, StagedRows]:
    """The temporary tables of a tool import: new tools, changed tools (by id), the tools'
    organisations, deployments and sources (by slug), and the slugs of every tool written."""
    tool = [(name, Tool, name) for name in scalars]
    return {
        "new": StagedRows("atlas_stage_tool", [*tool, ("slug", Tool, "slug"),
                                               ("created_at", Tool, "created_at"),
                                               ("updated_at", Tool, "updated_at")]),
        "changed": StagedRows("atlas_stage_change", [*tool, ("updated_at", Tool, "updated_at"),
                                                     ("id", Tool, "id")]),
        "roles": StagedRows("atlas_stage_role", [
            ("tool_slug", Tool, "slug"), ("organisation_slug", Organisation, "slug"),
            ("role", ToolOrganisation, "role")]),
        "deployments": StagedRows("atlas_stage_deployment", [
            ("tool_slug", Tool, "slug"), *[(name, Deployment, name) for name in (
                "country", "year", "note", "source_url")],
            ("organisation_slug", Organisation, "slug")]),
        "sources": StagedRows("atlas_stage_source", [
            ("tool_slug", Tool, "slug"),
            *[(name, Source, name) for name in ("url", "title", "date_read")]]),
        "written": StagedRows("atlas_stage_written", [("slug", Tool, "slug")]),
        # Changed tools whose organisations, deployments or sources are replaced (by id).
        **{f"replace_{kind}": StagedRows(f"atlas_stage_replace_{kind}", [("id", Tool, "id")])
           for kind in ("organisations", "deployments", "sources")},
    }


@contextmanager
def copying():
    """Around the copy's transaction: every id the copy writes comes from a join with its parent
    table in the same statement, so SQLite's foreign key checks (a lookup per row, two thirds
    of the copy's time) prove nothing; PostgreSQL keeps them (it has no database-wide write
    lock). SQLite also gets a larger page cache for the copy."""
    db = connections[DEFAULT_DB_ALIAS]
    with db.constraint_checks_disabled():
        if db.vendor != "sqlite":
            yield
            return
        with db.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            before = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = -{COPY_CACHE_KIB}")
        try:
            yield
        finally:
            with db.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(before)}")


def tool_copy(stages: dict[str, StagedRows], scalars) -> None:
    """Copy the staged tools into the catalogue; in the caller's write transaction."""
    tool, quote = _table(Tool), connections[DEFAULT_DB_ALIAS].ops.quote_name
    columns = [_column(Tool, name) for name in scalars]
    new = ", ".join([*columns, *(_column(Tool, n) for n in ("slug", "created_at", "updated_at"))])
    changed = ", ".join(f"{c} = s.{c}" for c in [*columns, _column(Tool, "updated_at")])
    relations = [(ToolOrganisation, "atlas_stage_role", ["role"], "organisation", "JOIN",
                  "organisations"),
                 (Deployment, "atlas_stage_deployment", ["country", "year", "note", "source_url"],
                  "organisation", "LEFT JOIN", "deployments"),
                 (Source, "atlas_stage_source", ["url", "title", "date_read"], None, "",
                  "sources")]
    statements = [
        f"INSERT INTO {tool} ({new}) SELECT {new} FROM atlas_stage_tool",
        f"UPDATE {tool} SET {changed} FROM atlas_stage_change s WHERE {tool}.id = s.id",
        *[f"DELETE FROM {_table(model)} WHERE {_column(model, 'tool')} IN "
          f"(SELECT id FROM atlas_stage_replace_{kind})" for model, *_rest, kind in relations],
    ]
    for model, stage, fields, organisation, join, _kind in relations:
        into = [_column(model, "tool"), *(_column(model, f) for f in fields)]
        values = ["t.id", *(f"s.{quote(f)}" for f in fields)]
        joins = f"JOIN {tool} t ON t.slug = s.tool_slug"
        if organisation:
            into.append(_column(model, organisation))
            values.append("o.id")
            joins += f" {join} {_table(Organisation)} o ON o.slug = s.organisation_slug"
        # Only sources keep the order they were given in (a record's list); sorting the rest
        # would cost the transaction a sort of every row.
        order = " ORDER BY s.n" if model is Source else ""
        statements.append(f"INSERT INTO {_table(model)} ({', '.join(into)}) SELECT "
                          f"{', '.join(values)} FROM {stage} s {joins}{order}")
    statements.append(f"INSERT INTO {_table(SearchBacklog)} ({_column(SearchBacklog, 'tool_id')}) "
                      f"SELECT t.id FROM atlas_stage_written s JOIN {tool} t ON t.slug = s.slug "
                      "WHERE true ON CONFLICT DO NOTHING")
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
