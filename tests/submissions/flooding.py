"""Helpers for the flood tests: what a form carries, and what its script (or a person) does."""

import base64
import html
import json
import re

import altcha

from tests.submissions.test_public_forms import VALID_TOOL

STORY = {"text": "In our town the recruiters moved to messaging apps during the lockdowns.",
         "country": "KE", "topics": ["online-recruitment"], "consent": "analysis-only",
         "tools": "", "contact": ""}


def junk_tool(i):
    """A valid proposal nobody needs: what a flood that gets past validation sends."""
    return {**VALID_TOOL, "name": f"Spam {i} {'qwertyuiopasdfghjkl'[i % 19] * 4}{i}",
            "website": f"https://spam{i}.example/", "source_url": f"https://spam{i}.example/a",
            "description": f"Junk text number {i} that is long enough to pass validation."}


def hidden(page: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else ""


def challenge_in(page: str) -> dict | None:
    match = re.search(r'name="altcha" value="" data-challenge="([^"]*)"', page)
    return json.loads(html.unescape(match.group(1))) if match else None


def solve(challenge: dict) -> str:
    """What challenge.js sends: the number found, with the challenge, as base64 JSON."""
    solution = altcha.solve_challenge_v1(challenge["challenge"], challenge["salt"],
                                         challenge["algorithm"], challenge["maxNumber"])
    assert solution is not None
    return base64.b64encode(json.dumps({
        "algorithm": challenge["algorithm"], "challenge": challenge["challenge"],
        "number": solution.number, "salt": challenge["salt"],
        "signature": challenge["signature"]}).encode()).decode()
