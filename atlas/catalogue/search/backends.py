"""Vendor-specific storage and matching of search documents."""

from __future__ import annotations

from django.db import connection

from atlas.catalogue.search.query import ParsedQuery

# Relative weight of the name, organisations and body fields.
WEIGHTS = (10.0, 5.0, 1.0)


class SQLiteFTS5:
    table = "catalogue_tool_fts"

    def match_expression(self, query: ParsedQuery) -> str:
        # Every piece is quoted, so FTS5 never sees an operator; terms are word prefixes.
        parts = [f'"{t}"*' for t in query.terms] + [f'"{" ".join(p)}"' for p in query.phrases]
        return " AND ".join(parts)

    def match(self, query: ParsedQuery) -> dict[int, float]:
        sql = (f"SELECT rowid, bm25({self.table}, %s, %s, %s) FROM {self.table} "
               f"WHERE {self.table} MATCH %s")
        with connection.cursor() as cursor:
            cursor.execute(sql, [*WEIGHTS, self.match_expression(query)])
            # bm25 is lower for better matches; callers expect higher is better.
            return {rowid: -score for rowid, score in cursor.fetchall()}

    def index(self, docs):
        ids = [d.tool_id for d in docs]
        with connection.cursor() as cursor:
            self._delete(cursor, ids)
            cursor.executemany(
                f"INSERT INTO {self.table} (rowid, name, organisations, body) VALUES (%s, %s, %s, %s)",
                [(d.tool_id, d.name, d.organisations, d.body) for d in docs])

    def remove(self, ids):
        with connection.cursor() as cursor:
            self._delete(cursor, ids)

    def _delete(self, cursor, ids):
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            cursor.execute(f"DELETE FROM {self.table} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})",
                           chunk)


class PostgresFullText:
    table = "catalogue_tool_search"
    config = "atlas_search"

    def tsquery(self, query: ParsedQuery) -> str:
        # Words come from the parser (letters and digits only), so quoting them is enough.
        parts = [f"'{t}':*" for t in query.terms]
        parts += ["(" + " <-> ".join(f"'{w}'" for w in p) + ")" for p in query.phrases]
        return " & ".join(parts)

    def match(self, query: ParsedQuery) -> dict[int, float]:
        # ts_rank's weights are for D, C, B, A; A is the name, B organisations, C the body.
        sql = (f"SELECT tool_id, ts_rank('{{0, {WEIGHTS[2] / 10}, {WEIGHTS[1] / 10}, {WEIGHTS[0] / 10}}}', "
               f"document, q) FROM {self.table}, to_tsquery('{self.config}', %s) q "
               f"WHERE document @@ q")
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.tsquery(query)])
            return dict(cursor.fetchall())

    def index(self, docs):
        sql = (f"INSERT INTO {self.table} (tool_id, document) VALUES (%s, "
               f"setweight(to_tsvector('{self.config}', %s), 'A') || "
               f"setweight(to_tsvector('{self.config}', %s), 'B') || "
               f"setweight(to_tsvector('{self.config}', %s), 'C')) "
               f"ON CONFLICT (tool_id) DO UPDATE SET document = EXCLUDED.document")
        with connection.cursor() as cursor:
            cursor.executemany(sql, [(d.tool_id, d.name, d.organisations, d.body) for d in docs])

    def remove(self, ids):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table} WHERE tool_id = ANY(%s)", [list(ids)])


_BACKENDS = {"sqlite": SQLiteFTS5(), "postgresql": PostgresFullText()}


def backend():
    try:
        return _BACKENDS[connection.vendor]
    except KeyError:
        raise NotImplementedError(f"Search does not support the {connection.vendor} database.")


def text_match(query: ParsedQuery) -> dict[int, float]:
    """Ids of the tools matching every term and phrase, with a relevance score (higher first)."""
    if not query:
        return {}
    return backend().match(query)


def index_tools(tools) -> None:
    from atlas.catalogue.search.documents import document_for
    docs = [document_for(t) for t in tools]
    if docs:
        backend().index(docs)


def remove_tools(ids) -> None:
    if ids:
        backend().remove(list(ids))
