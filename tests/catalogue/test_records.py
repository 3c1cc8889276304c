"""The record format is one module with one slug rule, whichever way a record arrives."""

import pytest

from atlas.catalogue.models import Tool
from atlas.catalogue.records import ToolFormat
from atlas.core.records import RecordInvalid, slug_from_name, unique_slug
from atlas.dataio.imports import import_file
from atlas.submissions.services import submission_approve, submission_create
from tests.accounts.fixtures import curator  # noqa: F401 - fixture

NAMES = {"Safe_Route App": "safe-route-app", "Hope.Line v2.0": "hope-line-v2-0",
         "Линия помощи": "liniya-pomoshchi", "儿童保护热线": "ertongbaohurexian",
         "Café São Paulo": "cafe-sao-paulo", "A&B (Kenya)": "a-b-kenya"}


@pytest.mark.parametrize("name, slug", NAMES.items())
def test_every_name_with_a_letter_or_digit_has_a_slug_the_urls_accept(name, slug):
    assert slug_from_name(name) == slug


def test_a_taken_slug_is_numbered_and_a_name_without_letters_gets_a_word():
    assert unique_slug("Safe_Route App", taken={"safe-route-app"}.__contains__) == \
        "safe-route-app-2"
    assert unique_slug("!!!", taken=set().__contains__) == "tool"


def test_problems_are_data_with_column_value_and_reason():
    with pytest.raises(RecordInvalid) as invalid:
        ToolFormat().checked({"name": "", "description": "x", "countries": "XX",
                              "source_url": "https://example.org"})
    problems = {(p.column, p.value) for p in invalid.value.problems}
    assert ("name", "") in problems and ("countries", "XX") in problems


@pytest.mark.django_db
def test_an_import_derives_the_same_slugs(tmp_path):
    path = tmp_path / "tools.csv"
    rows = "".join(f'"{name}",Does things.,https://example.org/{i}\n'
                   for i, name in enumerate(NAMES))
    path.write_text("name,description,source_url\n" + rows, encoding="utf-8")
    report = import_file(path)
    assert report.ok, [str(p) for p in report.problems]
    assert sorted(Tool.objects.values_list("slug", flat=True)) == sorted(NAMES.values())


@pytest.mark.django_db
@pytest.mark.parametrize("name, slug", NAMES.items())
def test_a_proposal_with_such_a_name_is_approved_with_that_slug(curator, name, slug):  # noqa: F811
    """'Safe_Route App' used to fail approval ("a slug may only hold lowercase letters...")."""
    proposal = submission_create(kind="tool", payload={
        "name": name, "description": "Does things.", "countries": ["KE"],
        "source_url": "https://example.org/about"})
    submission_approve(submission=proposal, user=curator)
    assert Tool.objects.get().slug == slug


@pytest.mark.django_db
def test_a_harvested_proposal_with_a_non_latin_name_is_approved(curator):  # noqa: F811
    origin = {"instance": "https://other-atlas.example", "remote_slug": "liniya",
              "api_url": "https://other-atlas.example/api/v1/tools/liniya"}
    proposal = submission_create(kind="tool", payload={
        "name": "Линия помощи", "description": "Горячая линия.", "countries": ["RU"],
        "source_url": "https://example.org/ru", "origin": origin})
    submission_approve(submission=proposal, user=curator)
    assert Tool.objects.get().name == "Линия помощи"
