"""A long report split into parts for reading (feedback.reports.parts)."""

from types import SimpleNamespace

from feedback.reports import parts


def _entries(n):
    return [
        SimpleNamespace(section=SimpleNamespace(id=10 + i), version=SimpleNamespace(id=100 + i))
        for i in range(n)
    ]


def test_a_report_within_the_budget_is_one_part():
    entries = _entries(4)
    found = parts.split(entries, {100 + i: 1000 for i in range(4)}, budget=10_000)
    assert [p.number for p in found] == [1] and list(found[0].entries) == entries


def test_a_part_ends_after_the_section_that_reaches_the_budget():
    entries = _entries(5)
    sizes = {100: 4000, 101: 7000, 102: 500, 103: 9500, 104: 100}
    found = parts.split(entries, sizes, budget=10_000)
    assert [[e.section.id for e in p.entries] for p in found] == [[10, 11], [12, 13], [14]]
    assert parts.part_of(found) == {10: 1, 11: 1, 12: 2, 13: 2, 14: 3}
    assert found[1].first.section.id == 12 and found[1].last.section.id == 13


def test_one_section_longer_than_the_budget_is_a_part_of_its_own():
    entries = _entries(3)
    found = parts.split(entries, {100: 50, 101: 90_000, 102: 50}, budget=10_000)
    assert [[e.section.id for e in p.entries] for p in found] == [[10, 11], [12]]


def test_an_empty_report_is_one_empty_part_and_no_budget_means_no_split():
    assert [(p.number, p.entries) for p in parts.split([], {}, budget=10)] == [(1, ())]
    entries = _entries(3)
    assert len(parts.split(entries, {100: 10**6, 101: 10**6}, budget=0)) == 1
