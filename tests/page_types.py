"""Every public page type, in every language: the list the accessibility, HTML validity and
layout tests all go through."""

from django.conf import settings
from django.utils import translation

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def public_pages(tool, organisation):
    """(path in the source language, a selector present once the page has finished drawing, if
    it draws with JS)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _public_pages(tool, organisation)


def _public_pages(tool, organisation):
    return [
        ("/", None),
        ("/tools/", None),
        ("/tools/?q=hotline&purpose=reporting-hotline&region=africa", None),
        ("/tools/?q=zzzzqqq", None),  # no result: the empty state
        (tool.get_absolute_url(), None),
        (f"/tools/{tool.slug}/history/", None),
        (f"/compare/?tools={tool.slug},{_other_tool(tool).slug}", None),
        ("/finder/", None),
        ("/finder/?role=shelter&country=KE&need=victim-support&constraint=free"
         "&constraint=offline&constraint=language&language=sw&constraint=data_home", None),
        ("/organisations/", None),
        (organisation.get_absolute_url(), None),
        ("/helplines/", None),
        ("/helplines/KE/", None),
        ("/map/", '#world-map path[data-code="KE"]'),
        ("/insights/", None),
        ("/insights/coverage/africa/", None),
        ("/about/", None),
        ("/submit/", None),
        ("/submit/tool/", None),
        (f"/submit/correction/{tool.slug}/", None),
        ("/submit/story/", None),
        ("/submit/solution/", None),
        ("/stories/", None),
        ("/account/login/", None),
    ]


def _other_tool(tool):
    """A second tool with a profile, to compare with the sample tool."""
    from atlas.catalogue.models import Tool
    return Tool.objects.exclude(pk=tool.pk).exclude(profile=[]).order_by("slug").first()


def sample_records():
    """A tool deployed in Kenya and an organisation with tools, from the default dataset."""
    from atlas.catalogue.models import Organisation, Tool
    tool = Tool.objects.filter(deployments__country="KE").order_by("slug").first()
    organisation = Organisation.objects.filter(roles__isnull=False).order_by("slug").first()
    return tool, organisation


def prefixed(language, path):
    """path in language (the source language has no prefix)."""
    return path if language == settings.LANGUAGE_CODE else f"/{language}{path}"
