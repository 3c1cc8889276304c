from atlas.formats import cldr_number_format

DECIMAL_SEPARATOR, THOUSAND_SEPARATOR, NUMBER_GROUPING = cldr_number_format("ar")
