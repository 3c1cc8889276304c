from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

from atlas.catalogue.markdown import render_markdown
from atlas.geo.countries import country_name as _country_name

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    request = context["request"]
    current = get_language()
    path = request.get_full_path()
    return {"languages": [(code, name, translate_url(path, code), code == current)
                          for code, name in settings.LANGUAGES]}


@register.inclusion_tag("includes/language_alternates.html", takes_context=True)
def language_alternates(context):
    request = context["request"]
    path = request.get_full_path()
    return {"alternates": [(code, request.build_absolute_uri(translate_url(path, code)))
                           for code, _name in settings.LANGUAGES]}


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
    from babel import Locale
    locale = Locale.parse(get_language().replace("-", "_").replace("zh_hans", "zh_Hans"))
    return [locale.languages.get(code, code) for code in codes]
