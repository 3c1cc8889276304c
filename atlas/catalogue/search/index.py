"""An in-memory bitmap index of every tool's facet values, for fast disjunctive faceting.

Each facet value maps to a Python int used as a bitset over tool positions. Filtering and counting
are then a few AND/OR/popcount operations per value, whatever the catalogue size (a 100k-tool
catalogue counts all facets in a few milliseconds, where GROUP BY queries over join tables take
hundreds). The index is derived data (atlas.derived): each process builds it from the database,
so app servers stay stateless. When the catalogue stamp moves, a process updates its index from
the rows of the tools the writes changed (`index_updated`, milliseconds) when the writes said
which, and rebuilds it otherwise (seconds for 100,000 tools; bench/RESULTS.md, "Writes while
reading").
"""

from __future__ import annotations

import bisect
import gc
from dataclasses import dataclass

import numpy as np

from atlas.catalogue.search.query import fold
from atlas.derived import stamps
from atlas.derived.cache import memoised


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


def _ranks(order) -> np.ndarray:
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[np.asarray(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int64)
    return ranks


@dataclass
class FacetIndex:
    ids: list[int]  # position -> tool id
    pos: dict[int, int]  # tool id -> position
    masks: dict[str, dict[str, int]]  # facet param -> value -> bitset
    name_order: list[int]  # positions by folded name
    newest_order: list[int]  # positions, most recently added first
    names: list[tuple[str, int]]  # (name or alias, tool id), for spelling suggestions
    years: dict[int, int]  # launch year -> bitset (insights)
    # Organisations behind each tool, as a compressed sparse row: the organisation ids of the
    # tool at position p are org_ids[org_start[p]:org_start[p + 1]] (the map's markers).
    org_start: object = None  # numpy int64 array, size + 1
    org_ids: object = None  # numpy int64 array
    name_rank: list[int] = None  # position -> rank in name_order
    newest_rank: list[int] = None
    # What the two orders sort on, kept so that an update can place a changed tool.
    folded_names: list[str] = None  # position -> folded name
    created: list = None  # position -> created_at

    id_array: object = None  # numpy int64 array of ids (made from ids unless given)

    def __post_init__(self):
        self.contiguous = not self.ids or self.ids[-1] - self.ids[0] + 1 == len(self.ids)
        self.name_rank_array = _ranks(self.name_order)
        self.name_rank = self.name_rank_array.tolist()
        self.newest_rank = _ranks(self.newest_order).tolist()
        if self.id_array is None:
            self.id_array = np.asarray(self.ids, dtype=np.int64)

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

    def bools(self, mask: int) -> np.ndarray:
        """A bitset as one boolean per position."""
        raw = np.frombuffer(mask.to_bytes((self.size >> 3) + 1, "little"), dtype=np.uint8)
        return np.unpackbits(raw, bitorder="little")[:self.size].astype(bool)

    def positions(self, mask: int) -> np.ndarray:
        return np.flatnonzero(self.bools(mask))

    def relevance_order(self, final: int, want: int, *, tiers: list[int], ranks: dict | None,
                        scores: dict | None = None, below: dict | None = None) -> list[int]:
        """The first `want` tool ids of `final` by relevance, computed over arrays.

        A tool's tier is 3 in the bitset tiers[0]() gives (its name matched), else 2 in
        tiers[1]() (its organisations), else 1; `ranks` (id -> full-text rank) orders tools within a tier;
        `scores` (id -> spelling score) replace the tiers when a query matched by spelling only;
        `below` (id -> similarity) are tools matched by meaning alone, after every other.
        Ties fall back to name order, for a stable, readable list.
        """
        pos = self.positions(final)
        ids = self.id_array[pos]
        if scores:
            primary = np.array([scores.get(i, 0) for i in ids.tolist()], dtype=float)
        else:
            name = self.bools(tiers[0]())[pos]
            # When the names alone fill the page, the next tier cannot reach it: its query
            # (thousands of ids in a big catalogue) is not run.
            orgs = self.bools(tiers[1]())[pos] if np.count_nonzero(name) < want \
                else np.zeros(len(pos), dtype=bool)
            primary = np.where(name, 3.0, np.where(orgs, 2.0, 1.0))
        secondary = np.zeros(len(pos))
        if ranks and not scores:
            secondary = np.array([ranks.get(i, 0.0) for i in ids.tolist()], dtype=float)
        if below:
            meaning = np.isin(ids, np.fromiter(below, dtype=np.int64, count=len(below)))
            primary[meaning] = 0.0
            secondary[meaning] = [below[i] for i in ids[meaning].tolist()]
        order = np.lexsort((self.name_rank_array[pos], -secondary, -primary))[:want]
        return ids[order].tolist()

    def ids_of(self, mask: int) -> list[int]:
        """Tool ids in a bitset, in position (id) order."""
        ids = self.ids
        return [ids[p] for p in positions_from_bits(mask)]

    def contains(self, mask_bytes: bytes, position: int) -> bool:
        return bool(mask_bytes[position >> 3] >> (position & 7) & 1)

    def count(self, mask: int, *others: int) -> int:
        for other in others:
            mask &= other
        return mask.bit_count()

    def value_mask(self, param: str, value: str) -> int:
        """The bitset of the tools that carry one value of a facet (0 when none does)."""
        return self.masks[param].get(value, 0)

    def value_counts(self, param: str, mask: int) -> dict[str, int]:
        """How many tools of the bitset carry each value of a facet (values with none left out)."""
        counts = {}
        for value, value_mask in self.masks[param].items():
            n = (mask & value_mask).bit_count()
            if n:
                counts[value] = n
        return counts

    def organisation_counts(self, mask: int) -> dict[int, int]:
        """Organisation id -> how many tools of the bitset it is behind."""
        if not mask or self.org_ids is None or not len(self.org_ids):
            return {}
        raw = np.frombuffer(mask.to_bytes((self.size >> 3) + 1, "little"), dtype=np.uint8)
        member = np.unpackbits(raw, bitorder="little")[:self.size].astype(bool)
        per_tool = np.diff(self.org_start)
        chosen = self.org_ids[np.repeat(member, per_tool)]
        found, counts = np.unique(chosen, return_counts=True)
        return dict(zip(found.tolist(), counts.tolist()))


def _index_fields(facets) -> list[str]:
    columns = list(dict.fromkeys(c for f in facets for c in f.columns))
    return ["id", "name", "aliases", "created_at", "year_launched", *columns]


def _read_tools(facets, rows, first_position: int):
    """The index's columns for these rows (in id order), positions counted from
    first_position: (ids, folded names, created, names, years, facet value -> positions)."""
    fields = _index_fields(facets)
    positions: dict[str, dict[str, list[int]]] = {f.param: {} for f in facets}
    ids, folded_names, created, names = [], [], [], []
    years: dict[int, list[int]] = {}
    for p, values in enumerate(rows, start=first_position):
        row = dict(zip(fields, values))
        ids.append(row["id"])
        folded_names.append(fold(row["name"]))
        created.append(row["created_at"])
        if row["year_launched"]:
            years.setdefault(row["year_launched"], []).append(p)
        for f in facets:
            found = positions[f.param]
            for value in f.values(row):
                found.setdefault(value, []).append(p)
        names.append((row["name"], row["id"]))
        names += [(alias, row["id"]) for alias in row["aliases"]]
    return ids, folded_names, created, names, years, positions


def _add_deployments(facets, positions, deployments, pos) -> None:
    by_deployment = [f for f in facets if f.from_deployment is not None]
    for tool_id, country in deployments:
        p = pos[tool_id]
        for f in by_deployment:
            for value in f.from_deployment(country):
                # A tool in two countries of one region adds its bit twice: harmless.
                positions[f.param].setdefault(value, []).append(p)


def build_index() -> FacetIndex:
    """The index of every tool, read from the database; the facets come from the registry."""
    from atlas.catalogue.facets import FACETS
    from atlas.catalogue.models import Deployment, Tool, ToolOrganisation

    facets = list(FACETS)
    # Streamed, keeping only compact columns: holding 100k full rows at once would more than
    # double the memory a server process needs.
    rows = Tool.objects.order_by("id").values_list(*_index_fields(facets)).iterator(chunk_size=5000)
    ids, folded_names, created, names, years, positions = _read_tools(facets, rows, 0)
    pos = {tool_id: i for i, tool_id in enumerate(ids)}
    _add_deployments(facets, positions,
                     Deployment.objects.values_list("tool_id", "country").iterator(5000), pos)
    size = len(ids)
    masks = {param: {value: bits_from_positions(ps, size) for value, ps in values.items()}
             for param, values in positions.items()}
    name_order = sorted(range(size), key=lambda p: (folded_names[p], ids[p]))
    newest_order = sorted(range(size), key=lambda p: (created[p], ids[p]), reverse=True)
    org_start, org_ids = _organisations(pos, size, ToolOrganisation)
    return FacetIndex(ids, pos, masks, name_order, newest_order, names,
                      {y: bits_from_positions(ps, size) for y, ps in years.items()},
                      org_start, org_ids, folded_names=folded_names, created=created)


# Above this many changed tools, building the index again is as quick as updating it.
UPDATE_LIMIT = 2000


def index_updated(previous: FacetIndex, changed: frozenset) -> FacetIndex | None:
    """The index after the writes that changed these tools (ids), made from the previous one
    and their rows; None when it must be built anew (a tool deleted, a new tool whose id is not
    the highest, too many changes). The previous index is not modified: requests may be using
    it."""
    from atlas.catalogue.facets import FACETS
    from atlas.catalogue.models import Deployment, Tool, ToolOrganisation

    if not changed:
        return previous
    if len(changed) > UPDATE_LIMIT or previous.folded_names is None:
        return None
    facets = list(FACETS)
    rows = list(Tool.objects.filter(id__in=changed).order_by("id")
                .values_list(*_index_fields(facets)))
    present = {row[0] for row in rows}
    if any(i not in present for i in changed if i in previous.pos):
        return None  # deleted: every later position would move
    new_ids = [row[0] for row in rows if row[0] not in previous.pos]
    if new_ids and previous.ids and new_ids[0] <= previous.ids[-1]:
        return None
    size = previous.size + len(new_ids)
    pos = dict(previous.pos)
    pos.update((tool_id, previous.size + i) for i, tool_id in enumerate(new_ids))
    ids = previous.ids + new_ids
    folded_names, created = list(previous.folded_names), list(previous.created)
    folded_names += [None] * len(new_ids)
    created += [None] * len(new_ids)
    # Each changed tool is read at its own position: existing ones where they are, new ones
    # after the last.
    positions: dict[str, dict[str, list[int]]] = {f.param: {} for f in facets}
    years: dict[int, list[int]] = {}
    new_names = {}
    for row in rows:
        p = pos[row[0]]
        _ids, t_folded, t_created, t_names, t_years, t_positions = _read_tools(facets, [row], p)
        folded_names[p], created[p] = t_folded[0], t_created[0]
        new_names[row[0]] = t_names
        for year, ps in t_years.items():
            years.setdefault(year, []).extend(ps)
        for param, values in t_positions.items():
            for value, ps in values.items():
                positions[param].setdefault(value, []).extend(ps)
    _add_deployments(facets, positions, Deployment.objects.filter(tool_id__in=present)
                     .values_list("tool_id", "country"), pos)
    touched = [pos[i] for i in sorted(present)]
    cleared = ~bits_from_positions(touched, size)
    masks = {param: _masks_updated(previous.masks.get(param, {}), cleared,
                                   positions.get(param, {}), size)
             for param in {*previous.masks, *positions}}
    year_masks = _masks_updated(previous.years, cleared, years, size)
    existing = [p for p in touched if p < previous.size]
    name_order = _without(previous.name_order, [previous.name_rank[p] for p in existing])
    newest_order = _without(previous.newest_order, [previous.newest_rank[p] for p in existing])
    for p in touched:
        bisect.insort(name_order, p, key=lambda q: (folded_names[q], ids[q]))
        _insort_descending(newest_order, p, key=lambda q: (created[q], ids[q]))
    names = _names_updated(previous.names, new_names, new_ids)
    org_start, org_ids = _organisations_updated(
        previous, touched, size, ToolOrganisation.objects.filter(tool_id__in=present)
        .values_list("tool_id", "organisation_id"), pos)
    id_array = np.concatenate([previous.id_array, np.asarray(new_ids, dtype=np.int64)]) \
        if new_ids else previous.id_array
    return FacetIndex(ids, pos, masks, name_order, newest_order, names, year_masks,
                      org_start, org_ids, folded_names=folded_names, created=created,
                      id_array=id_array)


def _without(order: list, ranks: list) -> list:
    """A copy of the order without the entries at these ranks."""
    out = list(order)
    for rank in sorted(ranks, reverse=True):
        del out[rank]
    return out


def _insort_descending(order: list, p: int, key) -> None:
    """Insert p into a list sorted by key, highest first (bisect only knows ascending)."""
    lo, hi, k = 0, len(order), key(p)
    while lo < hi:
        mid = (lo + hi) // 2
        if key(order[mid]) > k:
            lo = mid + 1
        else:
            hi = mid
    order.insert(lo, p)


def _masks_updated(previous: dict, cleared: int, added: dict, size: int) -> dict:
    """Each value's bitset without the touched positions, plus the positions now carrying it;
    values no tool carries any more are left out, as a build leaves them out."""
    out = {}
    for value in {*previous, *added}:
        mask = previous.get(value, 0) & cleared
        if value in added:
            mask |= bits_from_positions(added[value], size)
        if mask:
            out[value] = mask
    return out


def _names_updated(previous: list, new_names: dict, new_ids: list) -> list:
    """The (name, id) list, in id order, with the changed tools' entries replaced."""
    pieces, at = [], 0
    for tool_id in sorted(new_names):
        if tool_id in new_ids:
            continue
        start = bisect.bisect_left(previous, tool_id, lo=at, key=_entry_id)
        end = bisect.bisect_right(previous, tool_id, lo=start, key=_entry_id)
        pieces += [previous[at:start], new_names[tool_id]]
        at = end
    pieces.append(previous[at:])
    pieces += [new_names[tool_id] for tool_id in new_ids]
    out = []
    for piece in pieces:
        out += piece
    return out


def _entry_id(entry) -> int:
    return entry[1]


def _organisations(pos, size, model):
    pairs = np.array(sorted({(pos[t], o) for t, o in
                             model.objects.values_list("tool_id", "organisation_id")
                             .iterator(5000) if t in pos}), dtype=np.int64).reshape(-1, 2)
    counts = np.bincount(pairs[:, 0], minlength=size) if len(pairs) else np.zeros(size, np.int64)
    start = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    return start, pairs[:, 1].copy()


def _organisations_updated(previous, touched, size, pairs, pos):
    """The organisations CSR with the touched positions' rows read again (slices are copied
    around them: no sort over the whole catalogue)."""
    fresh: dict[int, list[int]] = {}
    for tool_id, organisation_id in pairs:
        fresh.setdefault(pos[tool_id], set()).add(organisation_id)
    start, ids = previous.org_start, previous.org_ids
    counts = np.diff(start)
    counts = np.concatenate([counts, np.zeros(size - previous.size, dtype=np.int64)])
    pieces, at = [], 0
    for p in touched:  # ascending positions
        old_from, old_to = (int(start[p]), int(start[p + 1])) if p < previous.size \
            else (len(ids), len(ids))
        rows = np.asarray(sorted(fresh.get(p, ())), dtype=np.int64)
        pieces += [ids[at:old_from], rows]
        at = old_to
        counts[p] = len(rows)
    pieces.append(ids[at:])
    new_start = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(counts, out=new_start[1:])
    return new_start, np.concatenate(pieces)


@memoised(stamps.CATALOGUE, update=index_updated)
def current_index() -> FacetIndex:
    """The index for the catalogue as it is now, built once per process and catalogue stamp."""
    index = build_index()
    # The index is hundreds of thousands of long-lived objects; without this, every full
    # garbage collection walks them all and stalls a request for tens of milliseconds.
    gc.collect()
    gc.freeze()
    return index
