"""The log of stamp moves: which records a write changed, so other processes can update instead
of rebuilding what they derived from them."""

import pytest
from django.db import transaction

from atlas.derived import stamps
from atlas.derived.cache import memoised
from atlas.derived.models import StampChange

pytestmark = pytest.mark.django_db
SCOPE = stamps.CATALOGUE


def value():
    return stamps.read().values.get(SCOPE, "")


def write(keys=None):
    with transaction.atomic():
        if keys is not None:
            stamps.note(SCOPE, keys)
        stamps.bump(SCOPE)
    return value()


def test_a_noted_write_logs_the_records_it_changed_and_the_stamp_it_replaced():
    before = write()
    after = write([3, 1])
    change = StampChange.objects.order_by("-id").first()
    assert (change.scope, change.previous, change.value, change.keys) == (SCOPE, before, after,
                                                                          [1, 3])


def test_a_write_that_noted_nothing_says_anything_may_have_changed():
    before = write()
    after = write()
    assert StampChange.objects.order_by("-id").first().keys is None
    assert stamps.changes(SCOPE, before, after) is None


def test_the_changes_between_two_stamps_are_those_of_every_write_in_between():
    start = write([])
    write([1])
    write([2, 3])
    end = write([1, 4])
    assert stamps.changes(SCOPE, start, end) == {1, 2, 3, 4}
    assert stamps.changes(SCOPE, end, end) == frozenset()
    assert stamps.changes(SCOPE, end, start) is None  # not a later stamp
    assert stamps.changes(SCOPE, "no-such-value", end) is None


def test_one_write_without_a_note_in_between_means_everything_may_have_changed():
    start = write([1])
    write()
    end = write([2])
    assert stamps.changes(SCOPE, start, end) is None


def test_a_note_made_in_a_savepoint_that_was_rolled_back_is_not_used():
    start = write([])
    with transaction.atomic():
        try:
            with transaction.atomic():
                stamps.note(SCOPE, [5])
                raise RuntimeError("the write fails")
        except RuntimeError:
            pass
        stamps.bump(SCOPE)
    assert stamps.changes(SCOPE, start, value()) is None


def test_a_note_is_used_by_one_move_only():
    start = write([])
    with transaction.atomic():
        stamps.note(SCOPE, [6])
        stamps.bump(SCOPE)
        middle = value()
        stamps.bump(SCOPE)  # a second write in the same transaction that noted nothing
    assert stamps.changes(SCOPE, start, middle) == {6}
    assert stamps.changes(SCOPE, middle, value()) is None


@pytest.mark.django_db(transaction=True)
def test_a_note_does_not_outlive_its_transaction():
    start = write([])
    with transaction.atomic():
        stamps.note(SCOPE, [7])  # committed without a move
    with transaction.atomic():
        stamps.bump(SCOPE)
    assert stamps.changes(SCOPE, start, value()) is None


def test_only_the_latest_moves_are_kept(monkeypatch):
    monkeypatch.setattr(stamps, "KEEP_CHANGES", 10)
    start = write([])
    for _ in range(60):
        write([1])
    assert StampChange.objects.count() <= 60
    assert stamps.changes(SCOPE, start, value()) is None  # too old: rebuild


def test_an_updatable_value_is_updated_from_the_previous_one_with_the_changed_keys():
    built, updates = [], []

    def update(previous, keys):
        updates.append((previous, set(keys)))
        return previous + len(keys)

    @memoised(SCOPE, update=update)
    def counted():
        built.append(1)
        return 100

    write([])
    assert counted() == 100
    write([1, 2])
    write([3])
    assert counted() == 103
    assert built == [1] and updates == [(100, {1, 2, 3})]
    write()  # noted nothing: built again
    assert counted() == 100 and built == [1, 1]


def test_a_request_that_read_the_stamps_before_a_write_gets_the_newer_value_not_a_rebuild():
    built = []

    @memoised(SCOPE, update=lambda previous, keys: previous + 1)
    def counted():
        built.append(1)
        return 0

    write([])
    with stamps.request_scope():
        old = stamps.current()  # this request started before the write below
        assert counted() == 0
        write([1])
        stamps._request_stamps.set(old)
        with stamps.request_scope():  # another thread's request, after the write
            assert counted() == 1
        assert counted() == 1  # the old request: the newer value, not a build for its stamps
    assert built == [1]


def test_a_failed_update_keeps_the_previous_value_for_the_next_attempt(monkeypatch):
    from django.db import OperationalError
    built = []

    @memoised(SCOPE, update=lambda previous, keys: previous + 1)
    def counted():
        built.append(1)
        return 0

    write([])
    counted()
    write([1])
    real, calls = stamps.changes, []

    def down(*args):  # the second call: the one for the update itself
        calls.append(args)
        if len(calls) == 2:
            raise OperationalError("the database is down")
        return real(*args)
    monkeypatch.setattr(stamps, "changes", down)
    with pytest.raises(OperationalError):
        counted()
    monkeypatch.setattr(stamps, "changes", real)
    assert counted() == 1 and built == [1]  # updated once the database is back, not rebuilt
