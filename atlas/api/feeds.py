"""Atom feed of new and updated tools, filtered by the same parameters as /tools/.

Every id and link is absolute (RFC 4287 4.2.6 requires absolute IRIs for ids; Django leaves an
item's guid as given), on ATLAS_SITE_URL or the address the request came to (atlas/api/site.py).
A filtered feed's own address (rel="self", and its id) keeps its filters.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from atlas.api.site import site_url
from atlas.catalogue.exporters import ordered_roles
from atlas.catalogue.filters import ToolFilters, parse_filters
from atlas.catalogue.models import Tool
from atlas.catalogue.selectors import hydrate, tool_search_ids, tools_with_relations

FEED_SIZE = 50


@dataclass(frozen=True)
class _Feed:
    """What one request's feed is about: its filters, and the site address links start with."""

    filters: ToolFilters
    base: str

    def query(self) -> str:
        query = self.filters.querystring(page=1, sort="relevance")
        return "?" + query if query else ""


class ToolsFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        filters, errors = parse_filters(request.GET)
        if errors:
            return JsonResponse({"errors": [e.as_dict() for e in errors]}, status=400)
        request.atlas_feed = _Feed(filters, site_url(request))
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        return request.atlas_feed

    def title(self, feed):
        return _("Anti-Trafficking Tech Atlas: new and updated tools")

    def subtitle(self, feed):
        return _("Tools added to or changed in the Atlas, newest first.")

    def link(self, feed):
        return feed.base + reverse("catalogue:tool_list") + feed.query()

    def feed_url(self, feed):
        return feed.base + reverse("api:tools_feed") + feed.query()

    def feed_guid(self, feed):
        return self.feed_url(feed)

    # The Atlas is the author of its records: RFC 4287 wants an author for every entry, and a
    # tool's organisations (the entries' authors where known) are not always on record.
    def author_name(self, feed):
        return _("Anti-Trafficking Tech Atlas")

    def author_link(self, feed):
        return feed.base + "/"

    def items(self, feed):
        filters = feed.filters
        if not filters.is_filtered:  # every tool: the newest changes straight from the table
            tools = list(tools_with_relations(Tool.objects.order_by("-updated_at", "-pk")
                                              [:FEED_SIZE]))
        else:
            # The one search selector picks the tools; the feed orders them by last change.
            ids = set(tool_search_ids(filters.changed(page=1)))
            newest = list(itertools.islice((pk for pk in Tool.objects.order_by("-updated_at", "-pk")
                                            .values_list("pk", flat=True).iterator(2000)
                                            if pk in ids), FEED_SIZE))
            tools = hydrate(newest)
        for tool in tools:  # item_link and item_guid see only the tool
            tool.feed_link = feed.base + tool.get_absolute_url()
            # The id is the page's address in the source language: the same entry keeps its id
            # whatever language the feed is read in.
            with translation.override(settings.LANGUAGE_CODE):
                tool.feed_id = feed.base + tool.get_absolute_url()
        return tools

    def item_title(self, tool):
        return tool.name

    def item_description(self, tool):
        return tool.short_description

    def item_link(self, tool):
        return tool.feed_link

    def item_guid(self, tool):
        return tool.feed_id

    def item_pubdate(self, tool):
        return tool.created_at

    def item_updateddate(self, tool):
        return tool.updated_at

    def item_categories(self, tool):
        return [*tool.purposes, *tool.technologies]

    def item_author_name(self, tool):
        return ", ".join(r.organisation.name for r in ordered_roles(tool)) or None
