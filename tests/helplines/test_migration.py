"""Migration helplines/0002: the old free text becomes channels where nothing is guessed; the
rest is listed for curators with its text kept."""

import pytest

from tests.migrating import migrate, migrated_forward_afterwards  # noqa: F401 (fixture)

BEFORE = [("helplines", "0001_initial")]
AFTER = [("helplines", "0002_channels")]


@pytest.mark.django_db(transaction=True)
def test_old_fields_are_split_or_kept_for_curators(migrated_forward_afterwards, client):
    old = migrate(BEFORE)
    Helpline = old.get_model("helplines", "Helpline")
    Helpline.objects.create(country="GB", name="Referral line", kind="modern-slavery-helpline",
                            phone="0800 808 3733", sms="", hours="24/7", languages="en",
                            source_url="https://s.example/gb")
    Helpline.objects.create(country="HU", name="Kék Vonal", kind="child-helpline",
                            phone="116 000 (Ukrainian/Russian: +36-80/984-590, Tue & Thu)",
                            hours="Tue & Thu 16:00–20:00", languages="Hungarian; Ukrainian",
                            source_url="https://s.example/hu")

    new = migrate(AFTER)
    Helpline = new.get_model("helplines", "Helpline")
    split = Helpline.objects.get(country="GB")
    assert not split.needs_review and split.opening_hours == "24/7"
    assert split.languages == ["en"]
    assert [(c.kind, c.value, c.dial, c.source_url) for c in split.channels.all()] == [
        ("phone", "0800 808 3733", "+448008083733", "https://s.example/gb")]
    kept = Helpline.objects.get(country="HU")
    assert kept.needs_review and not kept.channels.exists()
    assert kept.legacy["phone"].startswith("116 000 (Ukrainian")
    assert kept.legacy["hours"] == "Tue & Thu 16:00–20:00"
    assert kept.legacy["languages"] == "Hungarian; Ukrainian"

    back = migrate(BEFORE)
    Helpline = back.get_model("helplines", "Helpline")
    assert Helpline.objects.get(country="GB").phone == "0800 808 3733"
    assert Helpline.objects.get(country="HU").phone.startswith("116 000 (Ukrainian")
    assert Helpline.objects.get(country="HU").source_url == "https://s.example/hu"


def test_curators_see_the_helplines_to_review_in_their_queue(curator_client):  # noqa: F811
    from atlas.helplines.models import Helpline
    Helpline.objects.create(country="HU", name="Kék Vonal", kind="child-helpline",
                            needs_review=True, legacy={"phone": "116 000 (Tue & Thu)"})
    page = curator_client.get("/curate/").content.decode()
    assert "Kék Vonal" in page and "116 000 (Tue &amp; Thu)" in page


from tests.accounts.fixtures import curator, curator_client  # noqa: E402,F401
