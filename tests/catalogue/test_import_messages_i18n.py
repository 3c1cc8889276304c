"""The importer's reasons: English for `atlas import`, the curator's language in the web UI."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from atlas.catalogue.records import OrganisationFormat, OrganisationResolver, ToolFormat
from atlas.core.records import Cells
from atlas.helplines.records import HelplineFormat
from atlas.cli import main
from atlas.submissions.models import Submission
from atlas.revisions.records import record_check
from atlas.submissions.services import submission_create
from tests.accounts.fixtures import curator, sign_in_verified  # noqa: F401 - fixture

TOOL = {"name": "Harbour Watch", "description": "Lets port workers report forced labour.",
        "countries": ["XX"], "source_url": "https://harbour.example/about"}
HELPLINE = {"country": "KE", "name": "Counter-trafficking line", "kind": "trafficking-hotline",
            "timezone": "Africa/Nairobi", "channel": "short-code", "value": "1195",
            "source_url": "https://example.org/ke"}
NO_CHANNEL = {k: v for k, v in HELPLINE.items() if k not in ("channel", "value", "source_url")}


def refusal(kind, record, context=None):
    with pytest.raises(ValidationError) as refused:
        record_check(kind, record, context)
    return refused.value.messages


@pytest.mark.django_db
def test_a_curator_reads_the_importers_reasons_in_french_with_the_fields_label():
    with translation.override("fr"):
        messages = refusal(ToolFormat(), {**TOOL, "year_launched": "1900"}, {"organisations": OrganisationResolver()})
    assert messages == ["pays : code pays ISO 3166-1 alpha-2 inconnu (valeur : 'XX')",
                        "année de lancement : année hors limites (de 1950 à l’année prochaine) "
                        "(valeur : '1900')"]


def test_a_helplines_problems_are_in_spanish_and_keep_values_and_codes():
    with translation.override("es"):
        messages = refusal(HelplineFormat(), {**NO_CHANNEL, "kind": "pager"})
        scheme = refusal(HelplineFormat(), {**HELPLINE, "website": "ftp://x.example"})
    assert messages[0].startswith("tipo: valor desconocido; se esperaba uno de: ")
    assert "trafficking-hotline" in messages[0] and messages[0].endswith("(valor: 'pager')")
    assert messages[1] == ("canal: una línea de ayuda necesita al menos un canal: un número o una "
                           "dirección para contactarla (o el tipo none-found) (valor: '')")
    assert scheme == ["sitio web: el esquema de URL 'ftp' no está permitido; use http o https "
                      "(valor: 'ftp://x.example')"]


def test_a_column_without_a_label_keeps_its_name_and_placeholders_are_filled():
    with translation.override("fr"):
        messages = refusal(OrganisationFormat(), {"name": "Harbour Trust", "slug": "Harbour_Trust",
                                                "aliases": ["x" * 201]})
    assert messages[0] == ("slug : un identifiant ne peut contenir que des lettres minuscules, des "
                           "chiffres et des traits d’union (valeur : 'Harbour_Trust')")
    assert messages[1].startswith("autres noms : plus de 200 caractères (201) (valeur : 'xxx")


def test_reasons_are_translated_when_the_problem_is_recorded_not_when_the_module_loads():
    checker = Cells({"year": "soon", "when": "2024-13-01"})
    checker.year("year")
    with translation.override("ru"):
        checker.date("when")
    with translation.override("zh-hans"):
        checker.year("year")
    assert [p.reason for p in checker.problems] == [
        "expected a year like 2019", "ожидается дата в формате ГГГГ-ММ-ДД", "应为年份，例如 2019"]


def test_in_english_the_web_message_reads_as_before_with_the_fields_label():
    with translation.override("en"):
        messages = refusal(HelplineFormat(), {**HELPLINE, "country": "QQ"})
    assert messages == ["country: unknown ISO 3166-1 alpha-2 country code (value: 'QQ')"]


@pytest.mark.django_db
def test_the_cli_still_prints_the_english_reasons(tmp_path, capsys):
    bad = tmp_path / "tools.csv"
    bad.write_text("name,description,countries,year_launched,source_url\n"
                   "A,Does a,KE;XX,20x9,https://a.example\n"
                   "B,Does b,KE," + "," + "a" * 501 + "\n")
    with pytest.raises(SystemExit) as exit_:
        main(["import", str(bad), "--dry-run"])
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert (f"{bad}, line 2, column 'countries': unknown ISO 3166-1 alpha-2 country code "
            "(value: 'XX')") in err
    assert f"{bad}, line 2, column 'year_launched': expected a year like 2019 (value: '20x9')" in err
    assert f"{bad}, line 3, column 'source_url': longer than 500 characters (501)" in err
    assert f"{bad}, line 3, column 'source_url': not a valid http(s) URL" in err


@pytest.mark.django_db
def test_a_curator_approving_under_fr_sees_the_french_reason_on_the_page(client, curator):
    submission = submission_create(kind="tool", payload={
        **TOOL, "organization": [{"name": "Harbour Trust", "role": "owner"}]})
    sign_in_verified(client, curator)
    response = client.post(f"/fr/curate/submissions/{submission.pk}/approve/")
    assert response.status_code == 400
    page = response.content.decode()
    assert "pays : code pays ISO 3166-1 alpha-2 inconnu (valeur : &#x27;XX&#x27;)" in page
    assert "unknown ISO 3166-1" not in page
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING
