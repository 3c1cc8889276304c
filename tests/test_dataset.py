"""The shipped default dataset passes the same importer users get, and has no duplicates."""

import csv
from collections import Counter
from urllib.parse import urlsplit

import pytest

from atlas.dataio.dataset import DATA_DIR, default_dataset_files
from atlas.dataio.imports import import_file
from atlas.core.countries import is_country_code


@pytest.mark.django_db
def test_default_dataset_loads_without_problems(default_dataset):
    from atlas.catalogue.models import Tool
    from atlas.helplines.models import Helpline
    assert {r.kind for r in default_dataset} >= {"tools", "helplines"}
    assert Tool.objects.count() == sum(r.created for r in default_dataset if r.kind == "tools")
    assert Helpline.objects.exists()
    assert not Tool.objects.filter(verified_at__isnull=False).exists()  # nobody verified them yet


@pytest.mark.django_db
def test_every_default_file_validates_with_the_importer():
    for kind, path in default_dataset_files():
        if kind != "profiles":  # profiles name tools: checked once the tools are in (below)
            report = import_file(path, kind=kind, dry_run=True)
            assert report.ok, [str(p) for p in report.problems][:10]


def test_every_profile_row_names_a_shipped_tool_and_validates(default_dataset):
    profiles = next(r for r in default_dataset if r.kind == "profiles")
    assert profiles.ok and profiles.rows == len(_rows("profiles.csv")) > 0


def _rows(name):
    with open(DATA_DIR / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_no_duplicate_tools_by_name_alias_or_website_domain():
    keys = Counter()
    for row in _rows("tools.csv"):
        names = {row["name"].casefold()} | {a.strip().casefold()
                                            for a in row.get("aliases", "").split(";") if a.strip()}
        keys.update(("name", n) for n in names)
        if row.get("website"):
            keys[("site", urlsplit(row["website"]).netloc.removeprefix("www.").lower()
                  + urlsplit(row["website"]).path.rstrip("/").lower())] += 1
    duplicates = [k for k, n in keys.items() if n > 1]
    assert duplicates == []


def test_every_source_is_http_and_every_country_is_iso():
    for name in ("tools.csv", "helplines.csv", "organisations.csv"):
        for row in _rows(name):
            url = row["source_url"]
            if name == "organisations.csv" and not url:
                continue
            if name == "helplines.csv" and row["kind"] == "none-found":
                assert not url and not row["value"] and row["notes"], row  # what was searched
                continue
            assert url.startswith(("http://", "https://")), (name, row["name"], url)
            codes = row.get("countries", row.get("country", "")).split(";")
            for code in filter(None, (c.strip() for c in codes)):
                assert code == "global" or is_country_code(code), (name, row["name"], code)


def _un_member_states() -> set[str]:
    """ISO codes of the 193 UN member states, from country_converter's data file."""
    import importlib.resources
    path = importlib.resources.files("country_converter") / "country_data.tsv"
    with path.open(encoding="utf-8") as fh:
        return {row["ISO2"].strip("^$").split("|")[0].strip("^$")
                for row in csv.DictReader(fh, delimiter="\t")
                if row["UNmember"] not in ("", "nan")}


def test_every_un_member_state_has_a_channel_or_an_explicit_none_found_record():
    members = _un_member_states()
    assert len(members) == 193
    rows = _rows("helplines.csv")
    reachable = {r["country"] for r in rows if r["value"]}
    explained = {r["country"] for r in rows if r["kind"] == "none-found"}
    assert members - reachable - explained == set()
    # and a none-found country still has a number to call: its emergency number or an office
    assert explained - reachable == set()


def test_every_number_in_the_shipped_helplines_is_checked_by_libphonenumber():
    from atlas.helplines.numbers import number
    from atlas.helplines.vocabularies import NUMBER_CHANNELS
    checked = 0
    for row in _rows("helplines.csv"):
        if row["channel"] in NUMBER_CHANNELS:
            assert number(row["value"], row["country"], sourced=bool(row["source_url"])).dial
            checked += 1
    assert checked > 250


# The December 2026 clean-up (issue 16): see "December 2026 clean-up" in atlas/data/README.md.
RESEARCH = DATA_DIR.parent.parent / "docs" / "research" / "tools-2026-12"
# name of a removed row -> the row it was folded into (its name is kept as an alias)
FOLDED = {
    "Khoya-Paya portal": "TrackChild",
    "Aarambh India online CSAM reporting hotline": "IWF Reporting Portals (Africa and other countries)",
    "WAKA Well": "Migrants as Messengers",
    "Palantir Gotham for Polaris hotline data": "National Human Trafficking Hotline (US)",
    "Digital Sex Crime Victim Support Center (Korea)":
        "Korea joint digital sex crime monitoring and deletion system",
}
# research decisions that a re-check did not support (the README says why)
NOT_REMOVED = {"Safe Travel app (Kemlu)"}


def _tools_by_name():
    return {row["name"]: row for row in _rows("tools.csv")}


def _items(cell):
    return [x.strip() for x in cell.split(";") if x.strip()]


def test_rows_that_are_not_technology_tools_stay_removed_and_the_catalogue_keeps_over_400():
    tools = _tools_by_name()
    with open(RESEARCH / "cleanup-decisions.csv", encoding="utf-8", newline="") as fh:
        removed = {d["name"] for d in csv.DictReader(fh) if d["action"] == "remove"}
    assert len(removed) == 27
    assert sorted((removed - NOT_REMOVED) & set(tools)) == []
    assert len(tools) > 400


def test_a_folded_rows_name_is_an_alias_of_the_row_it_was_merged_into():
    tools = _tools_by_name()
    for old, kept in FOLDED.items():
        assert old not in tools
        assert old in _items(tools[kept]["aliases"]), (old, kept)


@pytest.mark.django_db
def test_searching_a_folded_rows_name_finds_the_row_it_was_merged_into(default_dataset):
    from atlas.catalogue.selectors import tool_search
    for old, kept in FOLDED.items():
        assert [t.name for t in tool_search(q=f'"{old}"').tools][:1] == [kept], old


def test_no_tool_is_marked_active_on_an_old_source_alone():
    stale = [row["name"] for row in _rows("tools.csv")
             if row["status"] == "active" and "old" in _items(row["evidence"])]
    assert stale == []


def test_the_statuses_and_facts_issue_16_names_are_fixed():
    tools = _tools_by_name()
    assert tools["Delta 8.7"]["status"] == "dormant"
    assert tools["Not For Sale Mxit trafficking survey"]["status"] == "discontinued"
    htrs = tools["Human Trafficking Reporting System (HTRS)"]
    assert htrs["status"] == "discontinued"
    assert not urlsplit(htrs["source_url"]).netloc.startswith("uat.")  # not a test subdomain
    bext = tools["bext360"]
    assert "HN" not in _items(bext["countries"]) and bext["exploitation"] == ""
    assert _items(tools["Out of the Shadows Index"]["organization"]) == [
        "Economist Impact", "Ignite Philanthropy"]
    childline = _items(tools["Childline 1098 (India)"]["organization"])
    assert childline[0] == "Ministry of Women and Child Development (India)"
    assert "Childline India Foundation" not in childline
    assert tools["Ami Probashi"]["status"] == "discontinued"  # contracts ended April 2025


def test_the_profile_coverage_stated_in_the_data_readme_is_what_profiles_csv_holds():
    import collections
    import csv
    import re
    from atlas.dataio.dataset import DATA_DIR
    items = collections.defaultdict(set)
    with open(DATA_DIR / "profiles.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            items[row["tool"]].add(row["item"])
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"Coverage: (\d+) tools have at least one sourced item; (\d+) have six "
                       r"or more", readme)
    assert stated, "atlas/data/README.md states the profile coverage"
    assert (int(stated[1]), int(stated[2])) == (
        len(items), sum(1 for found in items.values() if len(found) >= 6))
