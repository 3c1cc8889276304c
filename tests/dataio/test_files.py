"""Hostile import files: each is refused as a whole with a message naming the file and where,
before any record is checked or written."""

import json
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from atlas.catalogue.models import Tool
from atlas.dataio.imports import ImportFileError, import_file

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TOOL = {"name": "Good Tool", "description": "Finds things.", "source_url": "https://good.example"}


def write(tmp_path, content, name="tools.json"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def refusal(path) -> str:
    with pytest.raises(ImportFileError) as error:
        import_file(path)
    assert not Tool.objects.exists()
    message = str(error.value)
    assert message.startswith(f"{path}: "), message
    return message


def test_a_duplicate_key_in_a_json_record_is_refused_naming_the_key_and_its_line(tmp_path):
    path = write(tmp_path, '[\n{"name": "A", "description": "x", "source_url": "https://a.example"},'
                           '\n{"name": "B", "description": "y",\n "name": "C"}\n]')
    assert refusal(path).endswith('is refused: the key "name" appears twice in the same object '
                                  "at line 4, column 2")


def test_a_duplicate_key_inside_a_nested_json_object_is_refused_too(tmp_path):
    record = json.dumps({**TOOL, "deployments": [{"country": "KE"}]})
    path = write(tmp_path, "[" + record.replace('"KE"', '"KE", "country": "UG"') + "]")
    assert 'the key "country" appears twice' in refusal(path)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_nan_and_infinity_in_json_are_refused_with_their_place(tmp_path, value):
    path = write(tmp_path, '[{"name": "A", "description": "x", "source_url": "https://a.example",'
                           f'\n  "year_launched": {value}}}]')
    message = refusal(path)
    assert f"is refused: {value} is" in message and "at line 2, column 20" in message


def test_json_nested_100000_levels_deep_is_refused_not_a_recursion_error(tmp_path):
    path = write(tmp_path, "[" * 100_000 + "]" * 100_000)
    assert refusal(path).endswith("is refused: nested more than 100 levels deep at line 1, "
                                  "column 101")


def test_a_5000_digit_integer_in_json_is_refused_not_a_value_error(tmp_path):
    path = write(tmp_path, '[{"name": "A", "description": "x", "source_url": "https://a.example", '
                           '"year_launched": ' + "9" * 5000 + "}]")
    assert "is refused: a number of 5,000 characters; at most 100 fit any field at line 1, " \
           "column 88" in refusal(path)


def test_a_lone_surrogate_escape_in_json_is_refused_before_the_database_sees_it(tmp_path):
    path = write(tmp_path, '[{"name": "A \\ud800", "description": "x", '
                           '"source_url": "https://a.example"}]')
    assert "\\ud800 is half of a surrogate pair, not a character at line 1, column 14" \
        in refusal(path)
    paired = write(tmp_path, '[{"name": "A \\ud83d\\ude00", "description": "x", '
                             '"source_url": "https://a.example"}]', name="ok.json")
    assert import_file(paired).created == 1


def test_a_5000_digit_year_in_csv_is_an_out_of_range_year_not_a_value_error(tmp_path):
    path = write(tmp_path, "name,description,source_url,year_launched\n"
                           f"A,x,https://a.example,{'9' * 5000}\n", name="tools.csv")
    report = import_file(path)
    assert [(p.line, p.column, p.reason) for p in report.problems] == [
        (2, "year_launched", "year out of range (1950 to next year)")]
    assert not Tool.objects.exists()


def test_more_csv_rows_than_the_limit_are_refused_naming_the_first_line_over(tmp_path, settings):
    settings.ATLAS_IMPORT_MAX_ROWS = 3
    rows = "".join(f"T{i},x,https://a.example\n" for i in range(4))
    path = write(tmp_path, "name,description,source_url\n" + rows, name="tools.csv")
    assert refusal(path).endswith("has more than 3 records (line 5); the limit is 3 "
                                  "(ATLAS_IMPORT_MAX_ROWS): split the file")
    settings.ATLAS_IMPORT_MAX_ROWS = 4
    assert import_file(path).created == 4


def test_more_json_records_than_the_limit_are_refused(tmp_path, settings):
    settings.ATLAS_IMPORT_MAX_ROWS = 2
    path = write(tmp_path, json.dumps({"tools": [{**TOOL, "name": f"T{i}"} for i in range(3)]}))
    assert "has more than 2 records (record 3); the limit is 2 (ATLAS_IMPORT_MAX_ROWS)" \
        in refusal(path)


def test_a_csv_cell_longer_than_the_csv_reader_takes_is_refused_with_its_line(tmp_path):
    path = write(tmp_path, "name,description,source_url\nA,x,https://a.example\n"
                           f'B,"{"y" * 200_000}",https://b.example\n', name="tools.csv")
    assert refusal(path).endswith("line 3 has a cell longer than 131,072 characters")


def test_a_directory_and_a_missing_file_are_clear_errors(tmp_path):
    assert refusal(tmp_path).endswith("is a directory, not a regular file; import from a file")
    assert refusal(tmp_path / "missing.csv").endswith("no such file")


def test_dev_null_is_refused_as_a_character_device(tmp_path):
    assert refusal(Path("/dev/null")).endswith(
        "is a character device, not a regular file; import from a file")


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "tools.csv"
    os.mkfifo(fifo)
    outcome = []

    def run():
        try:
            import_file(fifo)
        except ImportFileError as exc:
            outcome.append(str(exc))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=20)
    if thread.is_alive():  # opened for reading, it waits for a writer: be one, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(timeout=20)
        pytest.fail("import_file opened the FIFO and waited for a writer")
    assert outcome == [f"{fifo}: is a named pipe (FIFO), not a regular file; import from a file"]


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory):
    from tests.dataio.processes import migrated_sqlite_file
    return migrated_sqlite_file(tmp_path_factory.mktemp("migrated"))


def _limited_memory():
    # The old importer read /dev/zero until memory ran out: fail the test instead of the machine.
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024 ** 3, 3 * 1024 ** 3))


@pytest.mark.parametrize("kind", ["/dev/zero", "fifo"])
def test_atlas_import_of_dev_zero_or_a_fifo_says_why_and_exits_at_once(tmp_path, kind,
                                                                       migrated_sqlite):
    import shutil
    from tests.dataio.processes import cli_env
    database = tmp_path / "atlas.sqlite3"
    shutil.copy(migrated_sqlite, database)
    path = Path(kind)
    if kind == "fifo":
        path = tmp_path / "tools.csv"
        os.mkfifo(path)
    try:
        done = subprocess.run([sys.executable, "-m", "atlas", "import", str(path)],
                              env=cli_env(tmp_path, f"sqlite:///{database}"), cwd=ROOT,
                              capture_output=True, text=True, timeout=60,
                              preexec_fn=_limited_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"atlas import {path} was still running after 60 s")
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.strip().endswith(f"error: {path}: is "
                                        f"{'a character device' if kind != 'fifo' else 'a named pipe (FIFO)'}"
                                        ", not a regular file; import from a file"), done.stderr
