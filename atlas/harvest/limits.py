"""Harvest limits, importable before Django is set up (the CLI's help text shows them)."""

DEFAULT_TIMEOUT = 20.0  # seconds for one response, connection to last byte
DEFAULT_MAX_BYTES = 5 * 1024 * 1024  # per response; a page of 100 tools is about 200 KB
