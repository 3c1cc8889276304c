"""After a write, the facet index is updated from the changed tools' rows, and the result is the
index a full build gives (the oracle); writes that do not say what they changed rebuild it."""

import random

import numpy as np
import pytest

from atlas.catalogue import vocabularies as v
from atlas.catalogue.models import Tool
from atlas.catalogue.search import index as index_module
from atlas.catalogue.services import (ToolData, organisation_upsert, tool_delete,
                                      tool_translation_upsert, tool_upsert, tool_verify)

pytestmark = pytest.mark.django_db
COUNTRIES = ["KE", "UG", "IN", "BD", "GB", "US", "BR", "MX", "FR"]
BUILD = index_module.build_index  # the oracle, whatever the tests do to the module


@pytest.fixture
def builds(monkeypatch):
    """How many times the index was built from scratch."""
    count = []

    def counted():
        count.append(1)
        return BUILD()
    monkeypatch.setattr(index_module, "build_index", counted)
    return count


@pytest.fixture
def catalogue(tool_factory):
    rng = random.Random(11)
    for i in range(40):
        tool_factory(f"Tool {i:02}", organisations=[f"Org {i % 7}"],
                     aliases=[f"Alias {i}"] if i % 5 == 0 else [],
                     purposes=rng.sample(list(v.PURPOSES.terms), rng.randint(0, 3)),
                     technologies=rng.sample(list(v.TECHNOLOGIES.terms), rng.randint(0, 2)),
                     countries=rng.sample(COUNTRIES, rng.randint(0, 3))
                     + (["global"] if i % 9 == 0 else []),
                     cost=rng.choice(list(v.COST.terms)), status=rng.choice(list(v.STATUS.terms)),
                     year_launched=rng.choice([None, 2015, 2020]),
                     licence=rng.choice(["", "MIT", "proprietary"]))
    index_module.current_index()  # every process holds an index before the writes


def assert_same_index(found, expected):
    for field in ("ids", "pos", "masks", "name_order", "newest_order", "names", "years",
                  "name_rank", "newest_rank", "folded_names", "created", "contiguous"):
        assert getattr(found, field) == getattr(expected, field), field
    for field in ("org_start", "org_ids", "id_array", "name_rank_array"):
        assert np.array_equal(getattr(found, field), getattr(expected, field)), field


def edit(tool, **changes):
    """The tool saved through tool_upsert with some fields changed, as a curator's form does."""
    tool = Tool.objects.get(pk=tool.pk)
    countries = [d.country for d in tool.deployments.all()] + (["global"] if tool.is_global
                                                                else [])
    fields = {
        "name": tool.name, "short_description": tool.short_description,
        "aliases": tool.aliases, "purposes": tool.purposes, "technologies": tool.technologies,
        "cost": tool.cost, "status": tool.status, "year_launched": tool.year_launched,
        "licence": tool.licence, "countries": countries,
        "organisations": [(r.organisation.slug, r.role) for r in tool.roles.all()],
        "sources": [(s.url, s.title, s.date_read) for s in tool.sources.all()],
    }
    fields.update(changes)
    assert tool_upsert(data=ToolData(slug=tool.slug, **fields)) == "updated"


def tool(name):
    return Tool.objects.get(name=name)


def test_an_edited_tool_updates_the_index_to_what_a_build_gives(catalogue, builds):
    edit(tool("Tool 07"), name="Aardvark watch", purposes=["training"], countries=["KE", "FR"],
         status="discontinued", aliases=["Zebra"], year_launched=2001,
         organisations=[("org-3", "owner"), ("org-5", "partner")])
    assert_same_index(index_module.current_index(), BUILD())
    assert builds == []


def test_a_new_tool_is_added_to_the_index_without_a_build(catalogue, builds, tool_factory):
    tool_factory("Zulu line", organisations=["Org 2", "Brand new org"], countries=["global"],
                 purposes=["training"])
    assert_same_index(index_module.current_index(), BUILD())
    assert builds == []


def test_several_writes_between_two_requests_update_the_index_once(catalogue, builds,
                                                                   tool_factory):
    edit(tool("Tool 01"), countries=[])
    edit(tool("Tool 02"), name="Tool 99")
    tool_factory("Another one", countries=["BR"])
    edit(tool("Tool 01"), countries=["MX", "global"])
    tool_verify(tool=tool("Tool 03"), user=None)
    tool_translation_upsert(tool=tool("Tool 04"), language="fr", short_description="Un outil.")
    organisation_upsert(slug="org-1", name="Org One renamed", kind="ngo")
    assert_same_index(index_module.current_index(), BUILD())
    assert builds == []


def test_a_curators_change_through_the_review_path_updates_the_index(catalogue, builds):
    from atlas.revisions.records import record_apply, tool_snapshot
    record = tool_snapshot(tool("Tool 05").pk)
    record.update(purposes=["training"], organisations="A new org (owner)")
    record_apply(record)
    assert_same_index(index_module.current_index(), BUILD())
    assert builds == []


def test_a_deleted_tool_means_a_build(catalogue, builds):
    tool_delete(tool=tool("Tool 10"))
    assert_same_index(index_module.current_index(), BUILD())
    assert builds == [1]


def test_an_import_means_a_build(catalogue, builds, tmp_path):
    from atlas.dataio.imports import import_file
    csv = tmp_path / "tools.csv"
    csv.write_text("name,description,source_url,countries\n"
                   "Imported one,Came in a file,https://e.example,KE\n")
    assert not import_file(csv).problems
    assert_same_index(index_module.current_index(), BUILD())
    assert builds == [1]


def test_search_results_after_an_update_agree_with_a_fresh_index(catalogue, builds):
    from atlas.catalogue.selectors import tool_search
    edit(tool("Tool 12"), purposes=["training", "victim-support"], countries=["KE"])
    updated = tool_search(purpose=["training"], region=["africa"], sort="name")
    assert builds == []
    from atlas.derived.cache import clear_all
    clear_all()
    fresh = tool_search(purpose=["training"], region=["africa"], sort="name")
    assert [t.pk for t in updated.tools] == [t.pk for t in fresh.tools]
    assert [(f.param, [(x.value, x.count) for x in f.values]) for f in updated.facets] == \
        [(f.param, [(x.value, x.count) for x in f.values]) for f in fresh.facets]
