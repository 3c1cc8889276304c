"""What a database says when it cannot take a write just now, as opposed to a bug.

SQLite: "database is locked" (another process, an import, holds the write lock for longer than the
busy timeout), "attempt to write a readonly database", "database or disk is full"; PostgreSQL:
the server is down or restarting, or the transaction is read-only (a standby). The public forms
and the sign-in catch these and give the form back with what was typed (503), never a 500.
"""

from django.db import InternalError, OperationalError

DATABASE_UNAVAILABLE = (OperationalError, InternalError)
