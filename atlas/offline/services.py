"""`site_export`: a static copy of the public Atlas that works from disk or any static server.

Pages are rendered in-process by the site's own views (no server needed, no middleware:
pages.render_page) and written with relative links (paths.py). Each language is exported by
its own worker process when there are several CPUs: the languages share nothing but the
database, which they only read.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import shutil
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connections
from django.test import override_settings

from atlas.offline import packing, pages
from atlas.offline.paths import file_for, language_prefix

# The copy needs no server, so no hashed names or manifest; no HTTPS redirect for the client.
EXPORT_SETTINGS = {
    "ALLOWED_HOSTS": ["testserver"],
    "SECURE_SSL_REDIRECT": False,
    "STORAGES": {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
    "STATIC_URL": "/static/",
}
# Static files every copy ships, whether or not a page links them: the offline machinery.
ALWAYS_STATIC = ["/static/offline/search.js", "/static/offline/search-engine.js", pages.SHIM,
                 pages.PAGE_SCRIPT, pages.UNPACK, pages.QUICK_EXIT]
# Static files the map links to but reads through fetch-shim.js, which answers from the copy's
# packed data scripts (the shapes: offline/shapes.js): the file itself would never be read.
PACKED_STATIC = {"/static/geo/countries.json"}


class ExportError(Exception):
    """The copy cannot be written (for example, DIR is a file or not empty)."""


@dataclass
class ExportReport:
    dest: Path
    languages: list[str]
    pages: int = 0
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # of this process and its workers: wall time depends on the load
    zip_path: Path | None = None
    zip_bytes: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"Exported {self.pages} pages in {len(self.languages)} languages "
                 f"({self.files} files, {self.bytes / 1e6:.1f} MB) to {self.dest} "
                 f"in {self.seconds:.1f} s ({self.cpu_seconds:.1f} s of CPU)."]
        if self.zip_path:
            lines.append(f"Zipped to {self.zip_path} ({self.zip_bytes / 1e6:.1f} MB).")
        return "\n".join(lines)


def _prepare(dest: Path, *, force: bool) -> None:
    if dest.exists() and not dest.is_dir():
        raise ExportError(f"{dest} exists and is not a directory.")
    if dest.exists() and any(dest.iterdir()):
        if not force:
            raise ExportError(f"{dest} is not empty; choose an empty directory or pass --force "
                              f"to replace its contents.")
        if not (dest / "index.html").exists():
            # --force replaces an earlier copy, never an unrelated directory.
            raise ExportError(f"{dest} does not look like an earlier export (no index.html); "
                              f"not replacing it.")
        shutil.rmtree(dest)
    dest.mkdir(parents=True, exist_ok=True)


def _export_language(args):
    language, dest, languages = args
    return pages.export_language(language=language, dest=Path(dest), languages=languages)


def _copy_static(paths: set[str], dest: Path, problems: list[str]) -> None:
    """Copy each linked static file, and the files its stylesheet refers to (images, fonts)."""
    todo, done = list(paths), set()
    while todo:
        url = todo.pop()
        if url in done:
            continue
        done.add(url)
        name = url[len("/static/"):]
        source = finders.find(name)
        if not source:
            problems.append(f"{url}: linked but not found among the static files")
            continue
        target = dest / file_for(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        if name.endswith(".css"):
            todo += pages.stylesheet_dependencies(url, Path(source).read_text("utf-8"))


def _write_shared(dest: Path) -> None:
    """Files every language uses: the map's country shapes and the search index's records."""
    shapes = finders.find("geo/countries.json")
    if shapes:
        data = json.loads(Path(shapes).read_text("utf-8"))
        (dest / "offline").mkdir(exist_ok=True)
        (dest / "offline" / "shapes.js").write_text(
            packing.packed_json_script({"static/geo/countries.json": data}), "utf-8")
    pages.write_search_records(dest)


def _zip(dest: Path, zip_path: Path) -> int:
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(dest.rglob("*")):
            if path.is_file():
                # One top folder inside the archive, so unzipping does not scatter files.
                archive.write(path, Path(dest.name) / path.relative_to(dest))
    return zip_path.stat().st_size


def _cpu_seconds() -> float:
    own, workers = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                         resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def site_export(*, dest: Path, languages: list[str] | None = None, zip_path: Path | None = None,
                jobs: int | None = None, force: bool = False) -> ExportReport:
    """Write the whole public Atlas, in every language, as static files under dest."""
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    codes = [code for code, _name in settings.LANGUAGES]
    languages = languages or codes
    unknown = [code for code in languages if code not in codes]
    if unknown:
        raise ExportError(f"Unknown language(s): {', '.join(unknown)}; choose from "
                          f"{', '.join(codes)}.")
    dest = Path(dest).resolve()
    _prepare(dest, force=force)
    report = ExportReport(dest=dest, languages=languages)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(languages)))
    with override_settings(**EXPORT_SETTINGS):
        work = [(code, str(dest), tuple(languages)) for code in languages]
        if jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
            connections.close_all()  # each forked worker opens its own connection
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                results = pool.map(_export_language, work, chunksize=1)
        else:
            results = [_export_language(item) for item in work]
        static = set(ALWAYS_STATIC)
        for result in results:
            report.pages += result.pages
            report.problems += result.problems
            static |= result.static
        _copy_static(static - PACKED_STATIC, dest, report.problems)
        _write_shared(dest)
        if settings.LANGUAGE_CODE not in languages:
            # The copy opens at its root: point it at the first exported language.
            first = file_for(language_prefix(languages[0]))
            (dest / "index.html").write_text(pages.redirect_page(first), "utf-8")
    files = [p for p in dest.rglob("*") if p.is_file()]
    report.files = len(files)
    report.bytes = sum(p.stat().st_size for p in files)
    if zip_path:
        report.zip_path = Path(zip_path).resolve()
        report.zip_bytes = _zip(dest, report.zip_path)
    report.seconds = time.perf_counter() - started
    report.cpu_seconds = _cpu_seconds() - cpu_started
    return report
