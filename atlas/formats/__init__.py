"""Number formats from CLDR (through Babel) where Django's own locale formats do not group digits.

Django groups thousands for French, Russian and Spanish but not for Arabic or Chinese, so
"12345 tools" would read as one unbroken figure there. Only the number symbols are set here;
Django's formats for dates and everything else still apply (settings.FORMAT_MODULE_PATH).
"""

from babel import numbers


def cldr_number_format(locale: str) -> tuple[str, str, int]:
    """(decimal separator, thousand separator, grouping) for a locale, from CLDR."""
    return numbers.get_decimal_symbol(locale), numbers.get_group_symbol(locale), 3
