"""Administrators enter tool translations in the admin; they go through the service."""

import pytest
from django.contrib.auth.models import Permission

from atlas.catalogue.models import ToolTranslation
from atlas.catalogue.selectors import tool_search
from tests.accounts.fixtures import administrator, sign_in_verified  # noqa: F401


@pytest.fixture
def translator_client(client, administrator):
    # Roles do not include these permissions yet (atlas/accounts owns them): grant them here.
    administrator.user_permissions.add(*Permission.objects.filter(
        codename__in=["add_tooltranslation", "change_tooltranslation", "delete_tooltranslation",
                      "view_tooltranslation"]))
    return sign_in_verified(client, administrator)


def test_an_administrator_adds_changes_and_deletes_a_translation(translator_client, tool_factory):
    tool = tool_factory("Safe Line", slug="safe-line", short_description="A hotline.")
    response = translator_client.post("/admin/catalogue/tooltranslation/add/", {
        "tool": tool.pk, "language": "fr", "name": "",
        "short_description": "Une ligne d’écoute contre l’exploitation.", "long_description": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    translation = ToolTranslation.objects.get(tool=tool, language="fr")
    assert [t.slug for t in tool_search(q="exploitation écoute").tools] == ["safe-line"]

    response = translator_client.post(f"/admin/catalogue/tooltranslation/{translation.pk}/change/", {
        "name": "Ligne sûre", "short_description": "Une ligne d’écoute.", "long_description": ""})
    assert response.status_code == 302
    assert ToolTranslation.objects.get(pk=translation.pk).name == "Ligne sûre"
    assert tool_search(q="exploitation écoute").count == 0  # reindexed with the new text

    response = translator_client.post(f"/admin/catalogue/tooltranslation/{translation.pk}/delete/",
                                 {"post": "yes"})
    assert response.status_code == 302 and not ToolTranslation.objects.exists()
    assert tool_search(q="écoute").count == 0


def test_the_admin_refuses_a_second_translation_into_the_same_language(translator_client,
                                                                        tool_factory):
    tool = tool_factory("Safe Line", slug="safe-line")
    data = {"tool": tool.pk, "language": "es", "name": "", "short_description": "Una línea.",
            "long_description": ""}
    assert translator_client.post("/admin/catalogue/tooltranslation/add/", data).status_code == 302
    response = translator_client.post("/admin/catalogue/tooltranslation/add/", data)
    assert response.status_code == 200 and ToolTranslation.objects.count() == 1
