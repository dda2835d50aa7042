"""The event vocabulary is one list, and each event type's two readers agree on its fields.

An event type is declared in `quyche.vocabulary`, modelled in `quyche.events` (pydantic: the
public model and its error messages) and decoded in `quyche.decoding` (msgspec: the fast
edge). These tests keep the three in step, so adding a type to one and not the others fails
here rather than as a silently dropped field.
"""

import typing

import msgspec
import pytest

from quyche import events, records
from quyche.vocabulary import EVENT_TYPES

MODELS = typing.get_args(typing.get_args(events.Event)[0])


def _type_of(model):
    return typing.get_args(model.model_fields["type"].annotation)[0]


def test_every_vocabulary_type_has_a_model_and_a_record():
    assert sorted(_type_of(m) for m in MODELS) == sorted(EVENT_TYPES)
    assert sorted(records.RECORD_CLASSES) == sorted(EVENT_TYPES)


@pytest.mark.parametrize("type_name", EVENT_TYPES)
def test_record_fields_are_the_model_fields(type_name):
    """Same names on the wire, and a field required by one is required by the other."""
    record = records.RECORD_CLASSES[type_name]
    model = next(m for m in MODELS if _type_of(m) == type_name)
    fields = {f.encode_name: f for f in msgspec.structs.fields(record)}
    assert set(fields) == set(model.model_fields) - {"type"}
    for name, field in fields.items():
        assert field.required == model.model_fields[name].is_required(), (type_name, name)
