"""Vendor-specific storage and matching of search documents."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from atlas.catalogue.search.query import ParsedQuery, Part, index_text

# Fields in the order they rank: a match in the name (or an alias) ranks above a match in the
# organisations, which ranks above a match only in the body.
RANKED_FIELDS = ("name", "organisations")
# Within a tier, full-text rank (bm25 on SQLite, ts_rank on PostgreSQL) orders the matches when
# there are at most this many; beyond it, ranking every match costs more than the whole search
# and name order is used instead.
RANK_LIMIT = 5000
BM25_WEIGHTS = (10.0, 5.0, 1.0)


def stored_fields(doc) -> tuple[str, str, str]:
    """A document's three fields as both databases store them: the words of the parser, folded
    and separated by spaces, so that neither database's own tokenizer or accent folding decides
    what matches (they differed: "детей" was never found on SQLite, "line survivors" matched
    across two fields on PostgreSQL)."""
    return index_text(doc.name), index_text(doc.organisations), index_text(doc.body)


class SQLiteFTS5:
    # The `ascii` tokenizer splits the stored words at the spaces and keeps every non-ASCII
    # character as it is (migration catalogue/0011).
    table = "catalogue_tool_fts"

    def _part(self, part: Part) -> str:
        # Every part is quoted, so FTS5 never sees an operator; "a b"* is a phrase whose last
        # word is a prefix.
        return '"' + " ".join(part.words) + '"' + ("*" if part.prefix else "")

    def match_expression(self, query: ParsedQuery) -> str:
        return " AND ".join("(" + " OR ".join(self._part(p) for p in group) + ")"
                            for group in query.groups)

    def _ids(self, expression: str) -> list[int]:
        # Ids only: computing bm25 for every match costs more than the rest of a search.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM {self.table} WHERE {self.table} MATCH %s",
                           [expression])
            return [row[0] for row in cursor.fetchall()]

    def match_ids(self, query: ParsedQuery, field: str | None = None) -> list[int]:
        expression = self.match_expression(query)
        if field:
            expression = f"{field} : ({expression})"
        return self._ids(expression)

    def excluded_ids(self, query: ParsedQuery) -> list[int]:
        return self._ids(" OR ".join(self._part(p) for p in query.excluded))

    def rank(self, query: ParsedQuery) -> dict[int, float]:
        """bm25 of every match (higher is better); its cost grows with the number of matches."""
        sql = (f"SELECT rowid, bm25({self.table}, %s, %s, %s) FROM {self.table} "
               f"WHERE {self.table} MATCH %s")
        with connection.cursor() as cursor:
            cursor.execute(sql, [*BM25_WEIGHTS, self.match_expression(query)])
            return {rowid: -score for rowid, score in cursor.fetchall()}

    def row(self, doc) -> tuple:
        return (doc.tool_id, *stored_fields(doc))

    def write(self, prepared):
        with connection.cursor() as cursor:
            self._delete(cursor, prepared.ids)
            cursor.executemany(
                f"INSERT INTO {self.table} (rowid, name, organisations, body) VALUES (%s, %s, %s, %s)",
                prepared.rows)

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


# A tsvector keeps positions up to 16,383 and 256 of them per word.
PG_MAX_POSITION = 16383
PG_MAX_POSITIONS = 256


def tsvector_literal(doc) -> str:
    """A document as a tsvector literal: the parser's words with their positions, weighted A
    (name), B (organisations) or C (body). No text search configuration sees them, so the
    words stored are exactly those the parser makes of a query; a gap of one position between
    fields keeps a phrase from running from one field into the next, as FTS5's columns do."""
    positions: dict[str, list[str]] = {}
    position = 0
    for text, weight in zip(stored_fields(doc), "ABC"):
        for word in text.split():
            position += 1
            found = positions.setdefault(word, [])
            if len(found) < PG_MAX_POSITIONS:
                found.append(f"{min(position, PG_MAX_POSITION)}{weight}")
        position += 1
    return " ".join(f"'{word}':{','.join(found)}" for word, found in positions.items())


class PostgresFullText:
    table = "catalogue_tool_search"

    def _part(self, part: Part, weight: str) -> str:
        # Words come from the parser (letters and digits only), so quoting them is enough. A
        # weight label (A: name, B: organisations) restricts a word to that field.
        last = len(part.words) - 1
        lexemes = []
        for i, word in enumerate(part.words):
            label = ("*" if i == last and part.prefix else "") + weight
            lexemes.append(f"'{word}'" + (f":{label}" if label else ""))
        return "(" + " <-> ".join(lexemes) + ")"

    def tsquery(self, query: ParsedQuery, weight: str = "") -> str:
        return " & ".join("(" + " | ".join(self._part(p, weight) for p in group) + ")"
                          for group in query.groups)

    def _ids(self, tsquery: str) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT tool_id FROM {self.table} WHERE document @@ %s::tsquery",
                           [tsquery])
            return [row[0] for row in cursor.fetchall()]

    def match_ids(self, query: ParsedQuery, field: str | None = None) -> list[int]:
        return self._ids(self.tsquery(query, {"name": "A", "organisations": "B", None: ""}[field]))

    def excluded_ids(self, query: ParsedQuery) -> list[int]:
        return self._ids(" | ".join(self._part(p, "") for p in query.excluded))

    def rank(self, query: ParsedQuery) -> dict[int, float]:
        # ts_rank's weights are for D, C, B, A: A is the name, B organisations, C the body.
        sql = (f"SELECT tool_id, ts_rank('{{0, 0.1, 0.5, 1.0}}', document, q) FROM {self.table}, "
               f"CAST(%s AS tsquery) q WHERE document @@ q")
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.tsquery(query)])
            return dict(cursor.fetchall())

    def row(self, doc) -> tuple:
        return (doc.tool_id, tsvector_literal(doc))

    def write(self, prepared):
        sql = (f"INSERT INTO {self.table} (tool_id, document) VALUES (%s, %s::tsvector) "
               f"ON CONFLICT (tool_id) DO UPDATE SET document = EXCLUDED.document")
        with connection.cursor() as cursor:
            cursor.executemany(sql, prepared.rows)

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
    """Ids of the tools matching every group of the query (within one field, if given), its
    exclusions not applied (text_excluded)."""
    if not query.groups:
        return []
    return backend().match_ids(query, field)


def text_excluded(query: ParsedQuery) -> list[int]:
    """Ids of the tools matching any excluded word or phrase of the query."""
    if not query.excluded:
        return []
    return backend().excluded_ids(query)


def text_rank(query: ParsedQuery) -> dict[int, float]:
    """Every tool matching the query's groups with its full-text rank (higher first): one
    query, costlier per match."""
    if not query.groups:
        return {}
    return backend().rank(query)


def index_tools(tools) -> None:
    from atlas.catalogue.search.documents import document_for
    index_documents([document_for(t) for t in tools])


@dataclass(frozen=True)
class PreparedDocuments:
    """Search documents as the database's rows: finding their words is most of the cost of
    indexing, so a bulk import prepares them before its write transaction."""

    ids: list[int]
    rows: list[tuple]


def prepare_documents(docs) -> PreparedDocuments:
    store = backend()
    return PreparedDocuments([d.tool_id for d in docs], [store.row(d) for d in docs])


def index_documents(docs) -> None:
    """Store search documents, or documents prepared earlier (replacing a tool's earlier one)."""
    if not isinstance(docs, PreparedDocuments):
        docs = prepare_documents(docs)
    if docs.rows:
        backend().write(docs)


def sweep_index() -> None:
    backend().sweep()


def remove_tools(ids) -> None:
    if ids:
        backend().remove(list(ids))
