"""The JSON API: same results and facets as /tools/, errors as JSON, validators, CORS."""

import pytest

from atlas.catalogue.filters import parse_filters
from atlas.catalogue.selectors import tool_search
from atlas.catalogue.serializers import search_result_as_dict

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(tool_factory):
    tools = []
    for i in range(7):
        tools.append(tool_factory(
            f"Tool {i:02d}", slug=f"tool-{i:02d}", organisations=[f"Org {i % 3}"],
            countries=["KE"] if i % 2 else ["BR", "global"],
            purposes=["training"] if i < 4 else ["victim-support"],
            technologies=["mobile-app"], licence="MIT" if i == 3 else ""))
    from tests.factories import make_helpline
    make_helpline(country="KE", name="Childline Kenya", kind="child-helpline", number="116",
                  source_url="https://example.org/ke")
    make_helpline(country="BR", name="Disque 100", kind="trafficking-hotline", number="100",
                  source_url="https://example.org/br")
    return tools


def _expected(query):
    from django.http import QueryDict
    filters, errors = parse_filters(QueryDict(query))
    assert not errors
    return search_result_as_dict(tool_search(**filters.as_kwargs()))


@pytest.mark.parametrize("query", ["", "purpose=training", "purpose=training&country=KE",
                                   "q=tool&sort=name", "country=global&purpose=victim-support",
                                   "page=1&sort=newest"])
def test_tools_endpoint_returns_the_same_results_and_facet_counts_as_the_search_page(
        client, catalogue, query):
    data = client.get(f"/api/v1/tools?{query}").json()
    expected = _expected(query)
    assert data["count"] == expected["count"]
    assert [t["slug"] for t in data["results"]] == [t["slug"] for t in expected["results"]]
    assert data["facets"] == expected["facets"]
    # The HTML twin answers from the same selector.
    assert client.get(f"/tools.json?{query}").json()["facets"] == data["facets"]


def test_tools_pages_are_stable_and_next_links_walk_every_tool_once(client, catalogue):
    url, seen = "/api/v1/tools?per_page=3", []
    while url:
        data = client.get(url).json()
        assert data["count"] == 7 and data["num_pages"] == 3
        seen += [t["slug"] for t in data["results"]]
        url = data["next"]
        assert url is None or url.startswith("http://testserver/api/v1/tools?")
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 7
    assert client.get("/api/v1/tools?per_page=3&page=3").json()["previous"].endswith(
        "per_page=3&page=2")


@pytest.mark.parametrize("query, field, value", [
    ("purpose=no-such-purpose", "purpose", "no-such-purpose"),
    ("country=ZZ", "country", "ZZ"),
    ("page=abc", "page", "abc"),
    ("page=0", "page", "0"),
    ("per_page=1000", "per_page", "1000"),
    ("sort=random", "sort", "random"),
])
def test_bad_parameters_answer_400_with_field_value_and_message(client, catalogue, query, field,
                                                                  value):
    response = client.get(f"/api/v1/tools?{query}")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["field"], e["value"]) for e in errors] == [(field, value)]
    assert errors[0]["message"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_every_bad_facet_value_is_reported_at_once(client, catalogue):
    errors = client.get("/api/v1/tools?purpose=a,training&cost=b").json()["errors"]
    assert {(e["field"], e["value"]) for e in errors} == {("purpose", "a"), ("cost", "b")}


def test_unknown_slugs_answer_404_as_json(client, catalogue):
    for url in ["/api/v1/tools/nope", "/api/v1/organisations/nope"]:
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["errors"][0]["message"]


def test_tool_detail_has_deployments_sources_and_organisation_slugs(client, catalogue):
    data = client.get("/api/v1/tools/tool-00").json()
    assert data["countries"] == ["global", "BR"]
    assert data["deployments"] == [{"country": "BR", "country_name": "Brazil", "year": None,
                                    "note": "", "source_url": "", "organisation": None}]
    assert data["sources"] == [{"url": "https://example.org/source", "title": "Source",
                                "date_read": None}]
    assert data["organisations"] == [{"slug": "org-0", "name": "Org 0", "role": "owner"}]


def test_organisations_list_and_detail(client, catalogue):
    data = client.get("/api/v1/organisations").json()
    assert [(o["slug"], o["tool_count"]) for o in data["results"]] == [
        ("org-0", 3), ("org-1", 2), ("org-2", 2)]
    detail = client.get("/api/v1/organisations/org-1").json()
    assert [t["slug"] for t in detail["tools"]] == ["tool-01", "tool-04"]
    assert client.get("/api/v1/organisations?kind=ngo").json()["count"] == 3
    assert client.get("/api/v1/organisations?kind=bogus").status_code == 400


def test_countries_have_tool_and_helpline_counts(client, catalogue):
    rows = {r["code"]: r for r in client.get("/api/v1/countries").json()["results"]}
    assert rows["KE"] == {"code": "KE", "name": "Kenya", "region": "africa", "tools": 3,
                          "helplines": 1}
    assert rows["BR"]["tools"] == 4 and rows["BR"]["helplines"] == 1
    assert "global" not in rows


def test_helplines_carry_their_country_code_and_filter_by_country(client, catalogue):
    data = client.get("/api/v1/helplines").json()
    assert [(h["country"], h["name"]) for h in data["results"]] == [
        ("BR", "Disque 100"), ("KE", "Childline Kenya")]
    kenya = client.get("/api/v1/helplines?country=ke").json()
    assert [h["name"] for h in kenya["results"]] == ["Childline Kenya"]
    bad = client.get("/api/v1/helplines?country=XX")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "country"


def test_vocabularies_list_every_vocabulary_with_slugs_and_labels(client):
    from atlas.catalogue import vocabularies as v
    data = client.get("/api/v1/vocabularies").json()["vocabularies"]
    by_slug = {voc["slug"]: voc for voc in data}
    for vocab in v.ALL.values():
        assert [t["value"] for t in by_slug[vocab.slug]["terms"]] == list(vocab.terms)
    assert "helpline_kinds" in by_slug
    # Labels follow the request's language, so caches must keep one copy per language.
    assert "Accept-Language" in client.get("/api/v1/vocabularies").headers["Vary"]


def test_etag_and_last_modified_revalidate_with_304(client, catalogue, tool_factory):
    first = client.get("/api/v1/tools?purpose=training")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get("/api/v1/tools?purpose=training", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/api/v1/tools?purpose=training",
                      HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    tool_factory("Newcomer", purposes=["training"], slug="newcomer")
    changed = client.get("/api/v1/tools?purpose=training", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json()["count"] == 5


def test_api_get_responses_allow_any_origin(client, catalogue):
    for url in ["/api/v1/tools", "/api/v1/tools/tool-01", "/api/v1/countries",
                "/api/v1/openapi.json", "/exports/tools.csv"]:
        response = client.get(url, HTTP_ORIGIN="https://elsewhere.example")
        assert response.headers["Access-Control-Allow-Origin"] == "*", url


def test_openapi_document_lists_every_endpoint_with_enums(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert set(schema["paths"]) == {
        "/api/v1/tools", "/api/v1/tools/{slug}", "/api/v1/organisations",
        "/api/v1/organisations/{slug}", "/api/v1/countries", "/api/v1/helplines",
        "/api/v1/vocabularies"}
    params = {p["name"]: p for p in schema["paths"]["/api/v1/tools"]["get"]["parameters"]}
    assert "training" in params["purpose"]["schema"]["items"]["enum"]
    assert "KE" in params["country"]["schema"]["items"]["enum"]


def test_docs_page_is_server_rendered_without_external_assets(client):
    response = client.get("/api/v1/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/api/v1/tools/{slug}" in html and "curl" in html
    assert "<code>victim-identification</code>" in html  # allowed values are listed
    import re
    for ref in re.findall(r'<(?:script|link|img)\b[^>]*?(?:src|href)="([^"]*)"', html):
        assert ref.startswith(("/", "http://testserver/", "data:")), ref
    assert "cdn" not in html.lower()


def test_tools_endpoint_query_count_does_not_grow_with_results(client, tool_factory,
                                                               django_assert_max_num_queries):
    for i in range(30):
        tool_factory(f"Many {i}", organisations=[f"O{i}"], countries=["KE"], slug=f"many-{i}")
    client.get("/api/v1/tools")  # builds the facet index
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/tools?per_page=30").json()["results"]) == 30


def test_api_root_lists_the_documentation_and_every_endpoint(client):
    data = client.get("/api/v1/").json()
    assert data["documentation"] == "http://testserver/api/v1/docs"
    assert data["openapi"] == "http://testserver/api/v1/openapi.json"
    assert "/api/v1/tools/{slug}" in data["endpoints"]


def _documented(path, name):
    """The values the OpenAPI document allows for one query parameter (None when it has none)."""
    from atlas.api.api import api
    operation = api.get_openapi_schema()["paths"][path]["get"]
    schema = next(p for p in operation["parameters"] if p["name"] == name)["schema"]
    return schema.get("enum") or schema.get("items", {}).get("enum")


def _empty_value_cases():
    from atlas.catalogue.facets import FACETS
    cases = [("/api/v1/tools", f.param) for f in FACETS] + [("/api/v1/tools", "sort")]
    cases += [("/api/v1/organisations", "kind"), ("/api/v1/organisations", "country")]
    cases += [("/api/v1/helplines", name) for name in ("country", "kind", "topic", "channel")]
    return cases


@pytest.mark.parametrize("path, name", _empty_value_cases())
def test_an_empty_filter_value_answers_400_naming_the_parameter_and_the_allowed_values(
        client, catalogue, path, name):
    response = client.get(f"{path}?{name}=")
    assert response.status_code == 400, response.content[:200]
    [error] = response.json()["errors"]
    assert (error["field"], error["value"]) == (name, "")
    assert error["allowed"] == _documented(path, name) and "" not in error["allowed"]
    assert "empty" in error["message"].lower()


@pytest.mark.parametrize("query", ["status=", "purpose=training,", "purpose=,training",
                                   "user=&purpose=training", "access=%20"])
def test_an_empty_value_beside_good_ones_is_refused_too(client, catalogue, query):
    response = client.get(f"/api/v1/tools?{query}")
    assert response.status_code == 400
    assert [e["value"] for e in response.json()["errors"]] == [""]


@pytest.mark.parametrize("path, name, value", [
    ("/api/v1/tools", "access", "nope"), ("/api/v1/tools", "country", "ZZ"),
    ("/api/v1/tools", "sort", "random"), ("/api/v1/organisations", "kind", "bogus"),
    ("/api/v1/organisations", "country", "XX"), ("/api/v1/helplines", "country", "XX"),
    ("/api/v1/helplines", "topic", "nope"),
])
def test_an_unknown_value_answers_400_with_the_allowed_values(client, catalogue, path, name,
                                                              value):
    response = client.get(f"{path}?{name}={value}")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["field"], error["value"]) == (name, value)
    assert error["allowed"] == _documented(path, name)


def test_a_parameter_without_a_list_of_values_says_what_it_takes_and_lists_none(client,
                                                                                catalogue):
    [error] = client.get("/api/v1/helplines?language=").json()["errors"]
    assert error["field"] == "language" and error["allowed"] is None
    assert "ISO 639" in error["message"]
    [error] = client.get("/api/v1/tools?page=abc").json()["errors"]
    assert error["field"] == "page" and error["allowed"] is None


def test_the_tools_page_and_its_downloads_still_ignore_the_empty_values_a_form_sends(client,
                                                                                     catalogue):
    """A GET form sends every field, chosen or not: pages stay lenient, only the API is strict."""
    assert client.get("/tools/?q=&status=&purpose=training").status_code == 200
    assert client.get("/exports/tools.csv?status=").status_code == 200
    assert client.get("/api/v1/tools?q=").status_code == 200  # free text may be empty


def test_the_documented_enums_never_offer_an_empty_value(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path, methods in schema["paths"].items():
        for param in methods["get"].get("parameters", []):
            values = param["schema"].get("enum") or param["schema"].get("items", {}).get("enum")
            assert values is None or "" not in values, (path, param["name"])


def test_every_operation_with_query_parameters_documents_its_400(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path, methods in schema["paths"].items():
        op = methods["get"]
        if any(p["in"] == "query" for p in op.get("parameters", [])):
            ref = op["responses"]["400"]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorResponse"), path
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"field", "value", "message", "allowed"}


def test_the_tools_parameters_are_the_facet_registry(client, catalogue):
    """A facet added to the registry is documented and checked by the API with no other edit."""
    from atlas.catalogue.facets import FACETS, Facet, registered
    params = [p["name"] for p in _operation_parameters("/api/v1/tools")]
    assert params == ["q", *[f.param for f in FACETS], "sort", "page", "per_page"]
    extra = Facet("decade", "Decade", ("year_launched",), lambda row: (),
                  options=lambda: ["2000s", "2010s"])
    with registered(extra):
        assert _documented("/api/v1/tools", "decade") == ["2000s", "2010s"]
        [error] = client.get("/api/v1/tools?decade=1990s").json()["errors"]
        assert (error["field"], error["allowed"]) == ("decade", ["2000s", "2010s"])
        assert client.get("/api/v1/tools?decade=").status_code == 400
    assert "decade" not in [p["name"] for p in _operation_parameters("/api/v1/tools")]


def _operation_parameters(path):
    from atlas.api.api import api
    return api.get_openapi_schema()["paths"][path]["get"]["parameters"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_method_other_than_get_answers_405_in_the_error_shape(client, method):
    response = getattr(client, method)("/api/v1/tools")
    assert response.status_code == 405 and response.headers["Allow"] == "GET"
    [error] = response.json()["errors"]
    assert (error["field"], error["value"], error["allowed"]) == ("method", method.upper(),
                                                                  ["GET"])
    assert error["message"]


def test_an_unknown_api_address_answers_404_in_the_error_shape(client, db):
    response = client.get("/api/v1/no-such-endpoint?x=1")
    assert response.status_code == 404
    [error] = response.json()["errors"]
    assert (error["field"], error["value"]) == ("path", "/api/v1/no-such-endpoint")
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_page_past_the_last_is_empty_and_its_previous_link_is_the_last_page(client, catalogue):
    data = client.get("/api/v1/tools?per_page=3&page=9").json()
    assert data["results"] == [] and data["next"] is None
    assert data["previous"].endswith("per_page=3&page=3")
    data = client.get("/api/v1/organisations?page=5").json()
    assert data["results"] == [] and data["previous"] == "http://testserver/api/v1/organisations"


def test_the_tool_page_json_twin_and_the_api_return_the_same_record(client, tool_factory):
    """One tool JSON: the page's twin (/tools/<slug>.json) and the API's detail are one dict
    (catalogue/serializers.py, tool_as_dict), deploying organisations' slugs included."""
    from atlas.catalogue.models import Deployment, Organisation
    tool = tool_factory("Twin", slug="twin", organisations=["Maker"], countries=["KE", "BR"],
                        licence="MIT")
    partner = Organisation.objects.create(slug="partner", name="Partner")
    Deployment.objects.filter(tool=tool, country="BR").update(organisation=partner)
    twin = client.get("/tools/twin.json")
    api = client.get("/api/v1/tools/twin")
    assert twin.status_code == api.status_code == 200
    assert twin.json() == api.json()
    by_country = {d["country"]: d for d in api.json()["deployments"]}
    assert by_country["BR"]["organisation"] == "partner"
