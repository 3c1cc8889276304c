"""How the offline copy packs data into scripts that pages opened from disk can load (browsers
refuse fetch() of file:// URLs): JSON compressed with zlib, in base64, which
static/offline/unpack.js inflates with DecompressionStream; and a section's page bodies folded
into one shared frame plus each page's <main>. The unpack_* functions read them back (tests,
page_as_shown)."""

from __future__ import annotations

import base64
import json
import re
import zlib
from pathlib import Path

PACK_FILE = "pages.js"  # a section's bundle, in the section's folder
VIEWPORT = "width=device-width, initial-scale=1"


def split_page(text: str) -> tuple[str, str]:
    """A rendered page as (everything up to and including <head>…</head>, the body's inside)."""
    head_end = text.index("</head>") + len("</head>")
    body_start = text.index(">", text.index("<body", head_end)) + 1
    return text[:head_end], text[body_start:text.rindex("</body>")]


MAIN_SLOT, KEY_SLOT = "\u0001main\u0001", "\u0001key\u0001"
MAIN_ELEMENT = re.compile(r"(<main\b[^>]*>)(.*)(</main>)", re.S)


def fold_bodies(bodies: dict[str, str]) -> dict:
    """The bodies of a section as one shared frame (everything but <main>'s content, the page's
    key in its links left as KEY_SLOT) and each page's <main> content; a page whose frame
    differs keeps its whole body. page.js and unfold_bodies put them back together."""
    frames, mains, whole = {}, {}, {}
    for key, body in bodies.items():
        match = MAIN_ELEMENT.search(body)
        if not match:
            whole[key] = body
            continue
        frame = (body[:match.start(2)] + MAIN_SLOT + body[match.end(2):]).replace(
            f"/{key}/", f"/{KEY_SLOT}/")
        frames[key], mains[key] = frame, match.group(2)
    frame = max(set(frames.values()), key=list(frames.values()).count, default="")
    for key in list(frames):
        if frames[key] != frame:
            whole[key] = bodies[key]
            del mains[key]
    return {"frame": frame, "mains": mains, "whole": whole}


def unfold_bodies(folded: dict) -> dict[str, str]:
    bodies = {key: folded["frame"].replace(KEY_SLOT, key).replace(MAIN_SLOT, main)
              for key, main in folded["mains"].items()}
    return {**bodies, **folded["whole"]}


def pack_script(bodies: dict[str, str], *, stylesheets=(), scripts=()) -> str:
    """A section's bodies (folded), as JSON compressed with zlib (DecompressionStream("deflate")
    reads it), in base64 inside a script (file:// pages cannot fetch() data, only load
    scripts); then the page's stylesheets and scripts (unpack.js, page.js), with links relative
    to the pages. The scripts run in order (async false), as they would from the page."""
    encoded = packed(fold_bodies(bodies))
    load = ('if (!document.querySelector("meta[name=viewport]")) { '
            f'add("meta", {{name: "viewport", content: {json.dumps(VIEWPORT)}}}); }} ')
    load += ('if (!document.querySelector("link[rel=stylesheet]")) { ' + "".join(
        f'add("link", {{rel: "stylesheet", href: {json.dumps(href)}}}); ' for href in stylesheets)
        + "} ")
    load += "".join(f'add("script", {{src: {json.dumps(src)}, async: false}}); '
                    for src in scripts)
    return (f'window.ATLAS_PAGES = "{encoded}";\n'
            f'(function () {{ function add(tag, attributes) {{ '
            f'document.head.appendChild(Object.assign(document.createElement(tag), attributes)); }}'
            f' {load}}}());\n')


def packed(data) -> str:
    """JSON, compressed with zlib, in base64: what unpack.js reads."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(zlib.compress(payload, 9)).decode("ascii")


def packed_json_script(bundle: dict) -> str:
    """JSON answers by path from the copy's root, compressed, for fetch-shim.js to unpack."""
    return (f"window.ATLAS_OFFLINE_PACKED = window.ATLAS_OFFLINE_PACKED || [];\n"
            f'window.ATLAS_OFFLINE_PACKED.push("{packed(bundle)}");\n')


def unpack_json_script(script: str) -> dict:
    encoded = script.split('push("')[1].split('"')[0]
    return json.loads(zlib.decompress(base64.b64decode(encoded)).decode("utf-8"))


def unpack_search_records(script: str) -> list[dict]:
    encoded = script.split('packed = "')[1].split('"')[0]
    return json.loads(zlib.decompress(base64.b64decode(encoded)).decode("utf-8"))


def unpack_script(script: str) -> dict[str, str]:
    encoded = script.split('"')[1]
    return unfold_bodies(json.loads(zlib.decompress(base64.b64decode(encoded)).decode("utf-8")))


def page_as_shown(page: Path) -> str:
    """An exported page as the browser shows it: a packed page with its stylesheets and body
    filled in (what its bundle and page.js do), any other page as written."""
    text = page.read_text("utf-8")
    pack = page.parent.parent / PACK_FILE
    if f'<script src="../{PACK_FILE}"></script>' not in text or not pack.is_file():
        return text
    script = pack.read_text("utf-8")
    head = text[:text.index("<body>")]
    links = "" if 'rel="stylesheet"' in head else "".join(
        f'<link rel="stylesheet" href="{href}">'
        for href in re.findall(r'rel: "stylesheet", href: "([^"]+)"', script))
    body = unpack_script(script)[page.parent.name]
    return f"{head}{links}<body>{body}</body></html>"
