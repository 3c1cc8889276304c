import pytest


@pytest.fixture
def small_catalogue(tool_factory, organisation_factory):
    organisation_factory("Nairobi Watch", headquarters_country="KE")
    tool_factory("Cotton Tracer", organisations=["Nairobi Watch"], countries=["KE", "BR"],
                 purposes=["supply-chain-transparency"], technologies=["blockchain"],
                 short_description="Traces cotton from farm to factory.", slug="cotton-tracer")
    tool_factory("Hotline Trainer", countries=["KE"], purposes=["training"],
                 short_description="Trains hotline staff.", slug="hotline-trainer")
    for i in range(25):  # enough tools for a second page of the list
        tool_factory(f"Survey Kit {i}", countries=["TH"], purposes=["research"],
                     slug=f"survey-kit-{i}")
    from tests.factories import make_helpline
    make_helpline(country="KE", name="Childline Kenya", kind="child-helpline", number="116",
                  source_url="https://example.org/ke")


@pytest.fixture
def exported_site(small_catalogue, tmp_path):
    from atlas.offline.services import site_export
    report = site_export(dest=tmp_path / "site", jobs=1)
    assert report.problems == []
    return report
