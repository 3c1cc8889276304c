"""Full-text search over tools: one interface, a backend per database vendor.

SQLite uses an FTS5 table, PostgreSQL a stored tsvector with a GIN index. Selectors call
`text_match()` and never look at the vendor; the backend is chosen from the connection.
"""

from atlas.catalogue.search.query import ParsedQuery, parse_query  # noqa: F401
from atlas.catalogue.search.backends import (RANK_LIMIT, index_documents, index_tools,  # noqa: F401
                                              remove_tools,
                                              text_match, text_rank)
