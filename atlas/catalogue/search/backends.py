"""Vendor-specific storage and matching of search documents."""

from __future__ import annotations

from django.db import connection

from atlas.catalogue.search.query import ParsedQuery

# Fields in the order they rank: a match in the name (or an alias) ranks above a match in the
# organisations, which ranks above a match only in the body.
RANKED_FIELDS = ("name", "organisations")
# Within a tier, full-text rank (bm25 on SQLite, ts_rank on PostgreSQL) orders the matches when
# there are at most this many; beyond it, ranking every match costs more than the whole search
# and name order is used instead.
RANK_LIMIT = 5000
BM25_WEIGHTS = (10.0, 5.0, 1.0)


class SQLiteFTS5:
    table = "catalogue_tool_fts"

    def match_expression(self, query: ParsedQuery) -> str:
        # Every piece is quoted, so FTS5 never sees an operator; terms are word prefixes.
        # One-letter terms match whole words only: as prefixes they would match almost everything.
        parts = [f'"{t}"*' if len(t) > 1 else f'"{t}"' for t in query.terms]
        parts += [f'"{" ".join(p)}"' for p in query.phrases]
        return " AND ".join(parts)

    def match_ids(self, query: ParsedQuery, field: str | None = None) -> list[int]:
        expression = self.match_expression(query)
        if field:
            expression = f"{field} : ({expression})"
        # Ids only: computing bm25 for every match costs more than the rest of a search.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM {self.table} WHERE {self.table} MATCH %s", [expression])
            return [row[0] for row in cursor.fetchall()]

    def rank(self, query: ParsedQuery) -> dict[int, float]:
        """bm25 of every match (higher is better); its cost grows with the number of matches."""
        sql = (f"SELECT rowid, bm25({self.table}, %s, %s, %s) FROM {self.table} "
               f"WHERE {self.table} MATCH %s")
        with connection.cursor() as cursor:
            cursor.execute(sql, [*BM25_WEIGHTS, self.match_expression(query)])
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

    def sweep(self):
        """Drop documents of tools that no longer exist."""
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table} WHERE rowid NOT IN (SELECT id FROM catalogue_tool)")

    def _delete(self, cursor, ids):
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            cursor.execute(f"DELETE FROM {self.table} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})",
                           chunk)


class PostgresFullText:
    table = "catalogue_tool_search"
    config = "atlas_search"

    def tsquery(self, query: ParsedQuery, weight: str = "") -> str:
        # Words come from the parser (letters and digits only), so quoting them is enough.
        # A weight label (A: name, B: organisations) restricts a lexeme to that field.
        parts = [f"'{t}':*{weight}" if len(t) > 1 else f"'{t}'" + (f":{weight}" if weight else "")
                 for t in query.terms]
        parts += ["(" + " <-> ".join(f"'{w}'" + (f":{weight}" if weight else "") for w in p) + ")"
                  for p in query.phrases]
        return " & ".join(parts)

    def match_ids(self, query: ParsedQuery, field: str | None = None) -> list[int]:
        weight = {"name": "A", "organisations": "B", None: ""}[field]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT tool_id FROM {self.table} "
                           f"WHERE document @@ to_tsquery('{self.config}', %s)",
                           [self.tsquery(query, weight)])
            return [row[0] for row in cursor.fetchall()]

    def rank(self, query: ParsedQuery) -> dict[int, float]:
        # ts_rank's weights are for D, C, B, A: A is the name, B organisations, C the body.
        sql = (f"SELECT tool_id, ts_rank('{{0, 0.1, 0.5, 1.0}}', document, q) FROM {self.table}, "
               f"to_tsquery('{self.config}', %s) q WHERE document @@ q")
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

    def sweep(self):
        """Drop documents of tools that no longer exist."""
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table} s WHERE NOT EXISTS "
                           f"(SELECT 1 FROM catalogue_tool t WHERE t.id = s.tool_id)")


_BACKENDS = {"sqlite": SQLiteFTS5(), "postgresql": PostgresFullText()}


def backend():
    try:
        return _BACKENDS[connection.vendor]
    except KeyError:
        raise NotImplementedError(f"Search does not support the {connection.vendor} database.")


def text_match(query: ParsedQuery, field: str | None = None) -> list[int]:
    """Ids of the tools matching every term and phrase (within one field, if given)."""
    if not query:
        return []
    return backend().match_ids(query, field)


def text_rank(query: ParsedQuery) -> dict[int, float]:
    """Every matching tool with its full-text rank (higher first): one query, costlier per match."""
    if not query:
        return {}
    return backend().rank(query)


def index_tools(tools) -> None:
    from atlas.catalogue.search.documents import document_for
    index_documents([document_for(t) for t in tools])


def index_documents(docs) -> None:
    """Store search documents (replacing a tool's earlier one)."""
    if docs:
        backend().index(docs)


def sweep_index() -> None:
    backend().sweep()


def remove_tools(ids) -> None:
    if ids:
        backend().remove(list(ids))
