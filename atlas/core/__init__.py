"""What every domain app shares and nothing of the Atlas above reference data: the record
checker and the slug rule (records.py)."""
