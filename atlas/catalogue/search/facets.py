"""An in-memory bitmap index of every tool's facet values, for fast disjunctive faceting.

Each facet value maps to a Python int used as a bitset over tool positions. Filtering and counting
are then a few AND/OR/popcount operations per value, whatever the catalogue size (a 100k-tool
catalogue counts all facets in a few milliseconds, where GROUP BY queries over join tables take
hundreds). The index is derived data: each process builds it from the database and rebuilds it
when CatalogueVersion's stamp changes, so app servers stay stateless.
"""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass

import numpy as np

from atlas.catalogue.licences import open_source_state
from atlas.catalogue.search.query import fold
from atlas.geo.countries import GLOBAL, region_of


def bits_from_positions(positions, size) -> int:
    buf = bytearray((size >> 3) + 1)
    for p in positions:
        buf[p >> 3] |= 1 << (p & 7)
    return int.from_bytes(buf, "little")


def positions_from_bits(mask: int) -> list[int]:
    if not mask:
        return []
    raw = np.frombuffer(mask.to_bytes((mask.bit_length() + 7) // 8, "little"), dtype=np.uint8)
    return np.flatnonzero(np.unpackbits(raw, bitorder="little")).tolist()


def _ranks(order):
    ranks = [0] * len(order)
    for rank, p in enumerate(order):
        ranks[p] = rank
    return ranks


@dataclass
class FacetIndex:
    stamp: str
    ids: list[int]  # position -> tool id
    pos: dict[int, int]  # tool id -> position
    masks: dict[str, dict[str, int]]  # facet param -> value -> bitset
    name_order: list[int]  # positions by folded name
    newest_order: list[int]  # positions, most recently added first
    names: list[tuple[str, int]]  # (name or alias, tool id), for spelling suggestions
    name_rank: list[int] = None  # position -> rank in name_order
    newest_rank: list[int] = None

    def __post_init__(self):
        self.contiguous = not self.ids or self.ids[-1] - self.ids[0] + 1 == len(self.ids)
        self.name_rank = _ranks(self.name_order)
        self.newest_rank = _ranks(self.newest_order)

    def name_order_rank(self, tool_id):
        return self.name_rank[self.pos[tool_id]]

    @property
    def size(self):
        return len(self.ids)

    @property
    def all_mask(self) -> int:
        return (1 << len(self.ids)) - 1

    def mask_of_ids(self, ids) -> int:
        size = len(self.ids)
        if self.contiguous and size:
            # Vectorised: a search can match tens of thousands of tools, and a Python loop over
            # them cost more than everything else in the search.
            positions = np.fromiter(ids, dtype=np.int64) - self.ids[0]
            positions = positions[(positions >= 0) & (positions < size)]
            bits = np.zeros(size, dtype=bool)
            bits[positions] = True
            return int.from_bytes(np.packbits(bits, bitorder="little").tobytes(), "little")
        pos = self.pos
        return bits_from_positions((pos[i] for i in ids if i in pos), size)

    def contains(self, mask_bytes: bytes, position: int) -> bool:
        return bool(mask_bytes[position >> 3] >> (position & 7) & 1)


def build_index(stamp: str) -> FacetIndex:
    from atlas.catalogue.models import Deployment, Tool

    positions: dict[str, dict[str, list[int]]] = {
        p: {} for p in ("purpose", "technology", "user", "exploitation", "region", "country",
                        "cost", "access", "status", "open_source")}

    def add(param, value, p):
        positions[param].setdefault(value, []).append(p)

    # Streamed, keeping only compact columns: holding 100k full rows at once would more than
    # double the memory a server process needs.
    ids, folded_names, created, names = [], [], [], []
    rows = Tool.objects.order_by("id").values_list(
        "id", "name", "aliases", "purposes", "technologies", "users", "exploitation", "is_global",
        "cost", "access", "status", "licence", "created_at").iterator(chunk_size=5000)
    for p, (tool_id, name, aliases, purposes, technologies, users, exploitation, is_global,
            cost, access, status, licence, created_at) in enumerate(rows):
        ids.append(tool_id)
        folded_names.append(fold(name))
        created.append(created_at)
        for value in purposes:
            add("purpose", value, p)
        for value in technologies:
            add("technology", value, p)
        for value in users:
            add("user", value, p)
        for value in exploitation:
            add("exploitation", value, p)
        add("cost", cost, p)
        add("access", access, p)
        add("status", status, p)
        add("open_source", open_source_state(licence), p)
        if is_global:
            add("country", GLOBAL, p)
            add("region", GLOBAL, p)
        names.append((name, tool_id))
        names += [(alias, tool_id) for alias in aliases]
    pos = {tool_id: i for i, tool_id in enumerate(ids)}
    for tool_id, country in Deployment.objects.values_list("tool_id", "country").iterator(5000):
        p = pos[tool_id]
        add("country", country, p)
        region = region_of(country)
        if region:  # a tool in two countries of one region adds its bit twice: harmless
            add("region", region, p)
    size = len(ids)
    masks = {param: {value: bits_from_positions(ps, size) for value, ps in values.items()}
             for param, values in positions.items()}
    name_order = sorted(range(size), key=lambda p: (folded_names[p], ids[p]))
    newest_order = sorted(range(size), key=lambda p: (created[p], ids[p]), reverse=True)
    return FacetIndex(stamp, ids, pos, masks, name_order, newest_order, names)


_lock = threading.Lock()
_cached: FacetIndex | None = None


def current_index() -> FacetIndex:
    """The index for the catalogue as it is now (one cheap query to check the stamp)."""
    global _cached
    from atlas.catalogue.models import CatalogueVersion

    stamp = CatalogueVersion.objects.values_list("stamp", flat=True).first() or ""
    index = _cached
    if index is not None and index.stamp == stamp:
        return index
    with _lock:
        if _cached is None or _cached.stamp != stamp:
            _cached = build_index(stamp)
            # The index is hundreds of thousands of long-lived objects; without this, every full
            # garbage collection walks them all and stalls a request for tens of milliseconds.
            gc.collect()
            gc.freeze()
        return _cached
