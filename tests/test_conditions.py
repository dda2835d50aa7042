"""Tests for `quyche.conditions`."""

import pytest

from quyche import conditions

EVENT = {"doc_class": "legal_normative", "urgent": True, "n": 5}


@pytest.mark.parametrize("condition, expected", [
    ({}, True),
    ({"doc_class": "legal_normative"}, True),
    ({"doc_class": "planning"}, False),
    ({"doc_class": {"$in": ["planning", "legal_normative"]}}, True),
    ({"doc_class": {"$nin": ["legal_normative"]}}, False),
    ({"n": {"$gte": 5, "$lt": 6}}, True),
    ({"n": {"$gt": 5}}, False),
    ({"n": {"$ne": 4}}, True),
    ({"missing": {"$exists": False}}, True),
    ({"urgent": {"$exists": True}}, True),
    ({"$or": [{"n": 1}, {"urgent": True}]}, True),
    ({"$and": [{"n": 5}, {"urgent": False}]}, False),
    ({"doc_class": {"$lt": 3}}, False),
])
def test_compile(condition, expected):
    """Conditions match as MongoDB would."""
    assert conditions.compile(condition)(EVENT) is expected


@pytest.mark.parametrize("bad", [
    {"$xor": []}, {"a": {"$regex": "x"}}, {"$and": {}}, {"a": {"$in": 3}}, [1],
    {"a": {}}, {"a": {"$exists": "yes"}},
])
def test_validate_rejects(bad):
    with pytest.raises(ValueError):
        conditions.validate(bad)


def test_to_durable_shapes():
    """The durable_rules form uses its own operator names."""
    assert conditions.to_durable({"a": 1}) == {"a": 1}
    assert conditions.to_durable({"a": {"$ne": 1}}) == {"$neq": {"a": 1}}
    assert conditions.to_durable({"a": {"$in": [1, 2]}}) == {"$or": [{"a": 1}, {"a": 2}]}
    assert conditions.to_durable({"a": {"$exists": False}}) == {"$nex": {"a": 1}}
    assert conditions.to_durable({"a": 1, "b": {"$lt": 2}}) == {"$and": [{"a": 1},
                                                                    {"$lt": {"b": 2}}]}
