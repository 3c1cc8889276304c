"""Derived data: everything computed from the records and kept to serve requests fast.

One home for it (docs/architecture.md): the data stamps that every write moves (`stamps`),
per-process values memoised per stamp (`cache`), and the cache of rendered public pages
(`pages`). Imports nothing of the Atlas above settings, so every layer may use it.
"""
