"""sitemap.xml (an index) and one sitemap per section: every public page, in every language."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from atlas.catalogue.models import Organisation, Tool
from atlas.helplines.models import Helpline


class _Localised(Sitemap):
    # Every language's address is listed; the hreflang alternates are in each page's <head>
    # (repeating them here made the sitemap seven times larger: 5.7 MB for 425 tools).
    i18n = True


class StaticPagesSitemap(_Localised):
    changefreq = "weekly"

    def items(self):
        return ["web:home", "catalogue:tool_list", "catalogue:organisation_list",
                "helplines:index", "web:about"]

    def location(self, name):
        return reverse(name)


class ToolSitemap(_Localised):
    changefreq = "monthly"

    def items(self):
        return Tool.objects.only("slug", "updated_at").order_by("slug")

    def lastmod(self, tool):
        return tool.updated_at


class OrganisationSitemap(_Localised):
    changefreq = "monthly"

    def items(self):
        return Organisation.objects.only("slug", "updated_at").order_by("slug")

    def lastmod(self, org):
        return org.updated_at


class HelplineCountrySitemap(_Localised):
    changefreq = "monthly"

    def items(self):
        return sorted(set(Helpline.objects.values_list("country", flat=True)))

    def location(self, code):
        return reverse("helplines:country", args=[code])


SITEMAPS = {"pages": StaticPagesSitemap, "tools": ToolSitemap,
            "organisations": OrganisationSitemap, "helplines": HelplineCountrySitemap}
