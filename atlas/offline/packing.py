"""How the offline copy packs data into scripts that pages opened from disk can load (browsers
refuse fetch() of file:// URLs): JSON compressed with zlib, in base64, which
static/offline/unpack.js inflates with DecompressionStream; and a section's page bodies folded
into one shared frame plus each page's <main> (or, for a section whose pages keep their <main>
in the page file, the frame and the safety note only). The unpack_* functions read them back
(tests, page_as_shown)."""

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
# Where a page that keeps its own <main> had the safety note (page.js puts the bundle's back).
NOTE_SLOT = "<!--safety-note-->"
# Where a packed body had the n-th piece of what its page shows without JavaScript: page.js
# takes the piece from the page's <noscript> (the elements between the first and the last).
PIECE_SLOT = "\u0001piece{}\u0001"
PIECE = re.compile("\u0001piece(\\d+)\u0001")
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


def pack_script(bodies: dict[str, str], *, stylesheets=(), scripts=(), own_main=frozenset(),
                note: str = "") -> str:
    """A section's bodies (folded), as JSON compressed with zlib (DecompressionStream("deflate")
    reads it), in base64 inside a script (file:// pages cannot fetch() data, only load
    scripts); then the page's stylesheets and scripts (unpack.js, page.js), with links relative
    to the pages. The scripts run in order (async false), as they would from the page.

    `own_main`: the keys of pages that keep their <main> in their own file; the bundle holds
    the frame and the safety note they share (page.js fills NOTE_SLOT), not those mains a
    second time."""
    folded = fold_bodies(bodies)
    if own_main:
        folded["mains"] = {k: m for k, m in folded["mains"].items() if k not in own_main}
        folded.update(own=True, note=note)
    encoded = packed(folded)
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


def _folded(script: str) -> dict:
    encoded = script.split('"')[1]
    return json.loads(zlib.decompress(base64.b64decode(encoded)).decode("utf-8"))


def unpack_script(script: str) -> dict[str, str]:
    """The bodies a bundle holds (none of a section whose pages keep their own <main>)."""
    return unfold_bodies(_folded(script))


OWN_MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.S)
NOSCRIPT = re.compile(r"<noscript>(.*)</noscript>", re.S)
START_TAG = re.compile(r"\s*<([a-zA-Z][\w-]*)")


def top_level_elements(html: str) -> list[str]:
    """The top-level elements of a fragment the copy wrote (what page.js reads as the children
    of the <noscript> content), as written."""
    elements, i = [], 0
    while (start := START_TAG.match(html, i)) is not None:
        depth, tag = 0, re.compile(rf"<(/?){start.group(1)}\b[^>]*>")
        for match in tag.finditer(html, start.start(1) - 1):
            depth += -1 if match.group(1) else 1
            if depth == 0:
                break
        elements.append(html[start.start(1) - 1:match.end()])
        i = match.end()
    return elements


def fill_pieces(body: str, page: str) -> str:
    """A packed body with the pieces it shares with the page's <noscript> put back (page.js)."""
    fallback = NOSCRIPT.search(page)
    pieces = top_level_elements(fallback.group(1))[1:-1] if fallback else []
    return PIECE.sub(lambda m: pieces[int(m.group(1))], body)


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
    folded, key = _folded(script), page.parent.name
    bodies = unfold_bodies(folded)
    own = OWN_MAIN.search(text)
    if key in bodies:
        body = fill_pieces(bodies[key], text)
    elif folded.get("own") and own:  # page.js: the frame around the page's own <main>
        main = own.group(1).replace(NOTE_SLOT, folded["note"])
        body = folded["frame"].replace(KEY_SLOT, key).replace(MAIN_SLOT, main)
    else:
        body = text[text.index("<body>") + len("<body>"):]
    return f"{head}{links}<body>{body}</body></html>"
