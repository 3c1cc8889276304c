"""Migrations 0003-0005: tool revisions made before revisions covered every record keep their data."""

import pytest

from tests.migrating import migrate, migrated_forward_afterwards  # noqa: F401 (fixture)

# The catalogue as it stood then too (its later columns have no default in the database).
BEFORE = [("submissions", "0002_organisationcontact"), ("catalogue", "0009_search_backlog")]
AFTER = [("submissions", "0005_revision_record_key")]


@pytest.mark.django_db(transaction=True)
def test_tool_revisions_become_record_revisions_and_back_without_loss(migrated_forward_afterwards):
    old = migrate(BEFORE)
    Tool = old.get_model("catalogue", "Tool")
    Revision = old.get_model("submissions", "Revision")
    kept = Tool.objects.create(slug="harbour-watch", name="Harbour Watch",
                               short_description="Lets port workers report abuse.")
    gone = Tool.objects.create(slug="old-tool", name="Old", short_description="Gone since.")
    change = Revision.objects.create(tool=kept, tool_slug="harbour-watch", action="update",
                                     before={"status": "active"}, after={"status": "dormant"},
                                     changed_fields=["status"])
    orphan = Revision.objects.create(tool=gone, tool_slug="old-tool", action="create",
                                     after={"name": "Old"})
    gone.delete()  # the foreign key was SET_NULL: the revision stays without its tool

    new = migrate(AFTER)
    Revision = new.get_model("submissions", "Revision")
    ContentType = new.get_model("contenttypes", "ContentType")
    tool_type = ContentType.objects.get(app_label="catalogue", model="tool")
    migrated = Revision.objects.get(pk=change.pk)
    assert (migrated.content_type_id, migrated.object_id) == (tool_type.pk, kept.pk)
    assert migrated.record_key == "harbour-watch" and migrated.changed_fields == ["status"]
    assert migrated.before == {"status": "active"} and migrated.after == {"status": "dormant"}
    orphaned = Revision.objects.get(pk=orphan.pk)
    assert orphaned.object_id is None and orphaned.record_key == "old-tool"
    assert orphaned.content_type_id == tool_type.pk
    org_type = ContentType.objects.get(app_label="catalogue", model="organisation")
    Revision.objects.create(content_type=org_type, object_id=1, record_key="o" * 150,
                            action="update", before={}, after={"name": "x"})

    back = migrate(BEFORE)
    Revision = back.get_model("submissions", "Revision")
    assert Revision.objects.get(pk=change.pk).tool_id == kept.pk
    assert Revision.objects.get(pk=change.pk).tool_slug == "harbour-watch"
    assert Revision.objects.get(pk=orphan.pk).tool_id is None
    assert Revision.objects.count() == 2  # the organisation's revision has no place there
