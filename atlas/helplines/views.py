from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from atlas.geo.countries import get_country
from atlas.helplines.selectors import helpline_countries, helpline_list


def helpline_index(request):
    # The country picker works without JavaScript: a GET with ?country=KE goes to that page,
    # so the choice lives only in the URL (no cookie, no session).
    chosen = get_country(request.GET.get("country", ""))
    if chosen is not None:
        return redirect("helplines:country", code=chosen.code)
    return render(request, "helplines/index.html", {"countries": helpline_countries()})


def helpline_country(request, code):
    country = get_country(code)
    if country is None:
        raise Http404(_("Unknown country code."))
    return render(request, "helplines/country.html", {
        "country": country,
        "helplines": list(helpline_list(country=country.code)),
        "countries": helpline_countries(),
    })
