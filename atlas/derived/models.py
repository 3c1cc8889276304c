"""The data stamps: one row per scope, moved by every write to that scope's records."""

from django.db import models


class Stamp(models.Model):
    # A random value rather than a counter: a rolled-back write must not leave a process holding
    # derived data for a value that a later, different write reuses.
    scope = models.CharField(max_length=20, primary_key=True)
    value = models.CharField(max_length=32)
    changed_at = models.DateTimeField()

    def __str__(self):
        return f"{self.scope}: {self.value}"


class StampChange(models.Model):
    """One move of a scope's stamp, from `previous` to `value`, and the records the write said it
    changed: a process holding data derived for `previous` updates it instead of rebuilding it
    (atlas/derived/cache.py). Only the latest KEEP_CHANGES moves of a scope are kept."""

    scope = models.CharField(max_length=20)
    previous = models.CharField(max_length=32)
    value = models.CharField(max_length=32)
    keys = models.JSONField(null=True)  # ids of the changed records; null: anything may have

    class Meta:
        indexes = [models.Index(fields=["scope", "id"], name="derived_change_scope_id")]

    def __str__(self):
        return f"{self.scope}: {self.previous} -> {self.value}"
