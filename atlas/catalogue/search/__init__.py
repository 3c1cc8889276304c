"""Full-text search over tools: one interface, a backend per database vendor.

SQLite uses an FTS5 table, PostgreSQL a stored tsvector with a GIN index. Selectors call
`text_match()`, `text_excluded()` and `text_rank()` and never look at the vendor; the backend is
chosen from the connection. The grammar and the words are the parser's (query.py).
"""

from atlas.catalogue.search.query import ParsedQuery, parse_query  # noqa: F401
from atlas.catalogue.search.backends import (RANK_LIMIT, index_documents, index_tools,  # noqa: F401
                                              prepare_documents, remove_tools, text_excluded,
                                              text_match, text_rank)
