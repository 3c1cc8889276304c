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
