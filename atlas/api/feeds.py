"""Atom feed of new and updated tools, filtered by the same parameters as /tools/."""

from __future__ import annotations

import itertools

from django.contrib.syndication.views import Feed
from django.http import JsonResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from atlas.catalogue.filters import parse_filters
from atlas.catalogue.models import Tool
from atlas.catalogue.selectors import hydrate, tool_search_ids, tools_with_relations

FEED_SIZE = 50


class ToolsFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        filters, errors = parse_filters(request.GET)
        if errors:
            return JsonResponse({"errors": [e.as_dict() for e in errors]}, status=400)
        request.atlas_filters = filters
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        return request.atlas_filters

    def title(self, filters):
        return _("Anti-Trafficking Tech Atlas: new and updated tools")

    def subtitle(self, filters):
        return _("Tools added to or changed in the Atlas, newest first.")

    def link(self, filters):
        query = filters.querystring(page=1, sort="relevance")
        return reverse("catalogue:tool_list") + ("?" + query if query else "")

    def items(self, filters):
        if not filters.is_filtered:  # every tool: the newest changes straight from the table
            return list(tools_with_relations(Tool.objects.order_by("-updated_at", "-pk")
                                             [:FEED_SIZE]))
        # The one search selector picks the tools; the feed then orders them by last change.
        ids = set(tool_search_ids(filters.changed(page=1)))
        newest = list(itertools.islice((pk for pk in Tool.objects.order_by("-updated_at", "-pk")
                                        .values_list("pk", flat=True).iterator(2000)
                                        if pk in ids), FEED_SIZE))
        return hydrate(newest)

    def item_title(self, tool):
        return tool.name

    def item_description(self, tool):
        return tool.short_description

    def item_link(self, tool):
        return tool.get_absolute_url()

    def item_guid(self, tool):
        return tool.get_absolute_url()

    def item_pubdate(self, tool):
        return tool.created_at

    def item_updateddate(self, tool):
        return tool.updated_at

    def item_categories(self, tool):
        return [*tool.purposes, *tool.technologies]

    def item_author_name(self, tool):
        return ", ".join(r.organisation.name for r in tool.roles.all()) or None
