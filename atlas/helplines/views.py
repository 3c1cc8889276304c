from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from atlas.geo.countries import get_country
from atlas.helplines.selectors import helpline_countries, helpline_list


def helpline_index(request):
    return render(request, "helplines/index.html", {
        "countries": helpline_countries(),
        "international": helpline_list(country="").none(),
    })


def helpline_country(request, code):
    country = get_country(code)
    if country is None:
        raise Http404(_("Unknown country code."))
    return render(request, "helplines/country.html", {
        "country": country,
        "helplines": list(helpline_list(country=country.code)),
        "countries": helpline_countries(),
    })
