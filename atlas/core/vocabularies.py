"""A controlled vocabulary: stable slugs (part of the data formats, URLs and the API, never
changed) with translatable labels (reworded and translated freely)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Vocabulary:
    slug: str
    label: object  # a lazy translatable string
    terms: dict  # slug -> lazy label

    def __contains__(self, slug):
        return slug in self.terms

    def label_of(self, slug):
        return self.terms.get(slug, slug)

    @property
    def choices(self):
        return list(self.terms.items())
