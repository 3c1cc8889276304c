from django import template

from atlas.revisions.selectors import revision_list

register = template.Library()
RECENT = 5


@register.inclusion_tag("submissions/_recent_revisions.html")
def recent_revisions(tool):
    """The latest changes of a tool, shown on its public page (the full diffs are one click away)."""
    return {"tool": tool, "revisions": revision_list(records=tool, limit=RECENT)}
