from urllib.parse import unquote, urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.translation import get_language, override

from atlas.catalogue.markdown import render_markdown
from atlas.core.languages import language_name
from atlas.core.countries import country_name as _country_name

register = template.Library()


def _language_urls(request) -> list[tuple[str, str]]:
    """(language, this page's path in it) for every language: translate_url for each, with the
    path resolved once instead of once per language (every page shows them twice)."""
    cached = getattr(request, "_atlas_language_urls", None)
    if cached is not None:
        return cached
    path = request.get_full_path()
    parsed = urlsplit(path)
    try:
        match = resolve(unquote(parsed.path))
    except Resolver404:
        match = None
    urls = []
    for code, _name in settings.LANGUAGES:
        url = path
        if match is not None:
            name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
            with override(code):
                try:
                    url = urlunsplit(("", "", reverse(name, args=match.args, kwargs=match.kwargs),
                                      parsed.query, parsed.fragment))
                except NoReverseMatch:
                    pass
        urls.append((code, url))
    request._atlas_language_urls = urls
    return urls


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    current = get_language()
    return {"languages": [(code, name, url, code == current) for (code, name), (_c, url)
                          in zip(settings.LANGUAGES, _language_urls(context["request"]))],
            "offline_copy": context.get("offline_copy")}


@register.inclusion_tag("includes/language_alternates.html", takes_context=True)
def language_alternates(context):
    request = context["request"]
    return {"alternates": [(code, request.build_absolute_uri(url))
                           for code, url in _language_urls(request)]}


@register.filter
def country_name(code):
    return _country_name(code)


@register.filter
def markdown(text):
    return render_markdown(text)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def next_page(filters):
    return filters.querystring(page=filters.page + 1)


@register.filter
def prev_page(filters):
    return filters.querystring(page=filters.page - 1)


@register.filter
def labels(slugs, vocabulary):
    from atlas.catalogue.vocabularies import ALL
    vocab = ALL[vocabulary]
    return [str(vocab.label_of(s)) for s in slugs]


@register.filter
def evidence_label(slug):
    from atlas.catalogue.vocabularies import EVIDENCE
    return EVIDENCE.label_of(slug)


@register.filter
def language_names(codes):
    return [language_name(code) for code in codes]
