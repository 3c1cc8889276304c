"""Writes stories and tool proposals through the services until a stop file appears.

`python -m tests.backups.writer STOP_FILE MARKER`: one line on standard output per pair written,
so a test can take a backup while it writes (tests/backups/test_backup.py).
"""

import sys
import time
from pathlib import Path


def main(stop: Path, marker: str) -> None:
    from atlas.cli import setup_django
    setup_django()
    from atlas.submissions.services import story_submit, submission_create

    deadline = time.monotonic() + 300  # never outlives a test that forgot it
    i = 0
    while not stop.exists() and time.monotonic() < deadline:
        story_submit(story={"story": f"{marker} story {i}", "country": "KE"})
        submission_create(kind="tool", payload={"name": f"Proposed tool {marker[::-1]} {i}",
                                                "description": "written during a backup"})
        print(i, flush=True)
        time.sleep(0.01)  # leave the other core to the backup being tested
        i += 1


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
