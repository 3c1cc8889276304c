"""Response shapes of the JSON API. They are the OpenAPI document; Schemathesis checks replies
against them, so a field added to a serializer must be added here too."""

from __future__ import annotations

from ninja import Field, Schema


class Error(Schema):
    field: str = Field(description="The query parameter or path part that was not understood.")
    value: str = Field(description="The value given (cut at 100 characters); empty when the "
                                   "parameter was given without a value.")
    message: str = Field(description="What is wrong, in the language of the request.")
    allowed: list[str] | None = Field(None, description="Every value the parameter takes, when "
                                                        "it takes values from a list; null "
                                                        "otherwise.")


class ErrorResponse(Schema):
    errors: list[Error]


class Term(Schema):
    value: str = Field(description="Stable vocabulary slug (see /api/v1/vocabularies).")
    label: str = Field(description="Label in the language of the request.")


class OrganisationRole(Schema):
    slug: str
    name: str
    role: str


class ToolSummary(Schema):
    slug: str
    name: str
    aliases: list[str]
    url: str = Field(description="Path of the tool's page on this Atlas.")
    short_description: str
    website: str
    organisations: list[OrganisationRole]
    purposes: list[Term]
    technologies: list[Term]
    users: list[Term]
    exploitation: list[Term]
    countries: list[str] = Field(description="ISO 3166-1 alpha-2 codes; 'global' if offered "
                                             "internationally.")
    headquarters_country: str
    cost: str
    access: str
    status: str
    open_source: str
    licence: str
    year_launched: int | None
    verified: bool
    verified_at: str | None
    evidence: list[str]
    created_at: str
    updated_at: str


class Deployment(Schema):
    country: str
    country_name: str
    year: int | None
    note: str
    source_url: str
    organisation: str | None = Field(description="Slug of the deploying organisation, if known.")


class Source(Schema):
    url: str
    title: str
    date_read: str | None


class ProfileEntry(Schema):
    item: str = Field(description="A profile item (docs/data-format.md, Profiles).")
    value: str | list[str] = Field(description="A code from the item's vocabulary, or a list of "
                                               "codes for the list items (languages, ...).")
    source_url: str = Field(description="The page that states it.")
    source_title: str
    note: str


class ToolDetail(ToolSummary):
    long_description: str
    languages: list[str]
    source_repository: str
    survivor_involvement: str
    processes_victim_data: str
    deployments: list[Deployment]
    sources: list[Source]
    profile: list[ProfileEntry] = Field(default_factory=list, description="The responsible-technology profile: one "
                                                    "entry per sourced item; an item not listed "
                                                    "is unknown.")


class FacetValue(Schema):
    value: str
    label: str
    count: int = Field(description="Results this value would give with every other filter.")
    selected: bool
    toggle_query: str = Field(description="Query string with this value switched on or off.")


class Facet(Schema):
    param: str
    label: str
    values: list[FacetValue]


class Page(Schema):
    count: int = Field(description="Number of matching records on every page.")
    page: int
    num_pages: int
    next: str | None = Field(description="Absolute URL of the next page, or null.")
    previous: str | None


class ToolPage(Page):
    suggestion: str | None = Field(description="A tool name, when the query only matched "
                                               "through a spelling correction.")
    results: list[ToolSummary]
    facets: list[Facet]


class OrganisationSummary(Schema):
    slug: str
    name: str
    aliases: list[str]
    kind: str
    website: str
    headquarters_country: str
    source_url: str
    tool_count: int
    url: str


class OrganisationTool(Schema):
    slug: str
    name: str
    role: str


class OrganisationDetail(OrganisationSummary):
    tools: list[OrganisationTool]


class OrganisationPage(Page):
    results: list[OrganisationSummary]


class Country(Schema):
    code: str
    name: str
    region: str
    tools: int = Field(description="Tools deployed in the country.")
    helplines: int


class CountryList(Schema):
    count: int
    results: list[Country]


class HelplineChannel(Schema):
    kind: str = Field(description="phone, short-code, sms, whatsapp, signal, telegram, viber, "
                                  "web-chat, email, web-form or app.")
    value: str = Field(description="The number or address as the source writes it.")
    e164: str | None = Field(description="The number in E.164 form (a phone, SMS or messaging "
                                         "number that can be dialled from abroad); null otherwise.")
    dial: str = Field(description="What a phone dials: the E.164 number or the short number.")
    display: str = Field(description="The number grouped as the country writes it.")
    note: str
    hours: str = Field(description="This channel's opening hours (OpenStreetMap syntax), "
                                   "when they differ from the line's.")
    open_now: bool | None = Field(description="Null when the hours are not known.")
    free: str = Field(description="yes, no or unknown.")
    on_bill: str = Field(description="Whether calls show on the phone bill: yes, no or unknown.")
    source_url: str
    source_title: str
    source_date: str
    reread: bool = Field(description="Whether the source was re-read and states this value.")


class Helpline(Schema):
    country: str = Field(description="ISO 3166-1 alpha-2 code of the country served.")
    country_name: str
    name: str
    operator: str
    kind: str
    kind_label: str
    topics: list[str]
    purposes: list[str]
    languages: list[str] = Field(description="ISO 639 codes.")
    opening_hours: str = Field(description="OpenStreetMap opening_hours syntax.")
    timezone: str = Field(description="IANA time zone in which the hours are given.")
    open_now: bool | None = Field(description="Null when the hours are not known.")
    website: str
    channels: list[HelplineChannel]
    last_verified: str | None


class HelplinePage(Page):
    results: list[Helpline]


class Vocabulary(Schema):
    slug: str
    label: str
    terms: list[Term]


class VocabularyList(Schema):
    vocabularies: list[Vocabulary]
