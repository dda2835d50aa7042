"""The parts every rule-set model shares: the frozen base, identifiers, sources and
texts, cited values, notes, and the readings (interpretations) callers may override."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

__all__ = ["CitedValue", "Interpretation", "Model", "Note", "Source", "Text", "json_value"]

_ID = r"^[a-z][a-z0-9_]*$"
Id = Annotated[str, Field(pattern=_ID, description="a lower-case snake_case identifier")]


class Model(BaseModel):
    """Base of every rule-set model: frozen, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Model):
    """Where a value comes from: article, clause, point and a short verbatim quote."""

    document: Literal["decision", "regulation", "annex"] = Field(
        "regulation",
        description="decision: the articles of the Quyết định itself; regulation: the "
        "attached Quy chế; annex: an attached form such as the Đề cương báo cáo",
    )
    article: int | None = Field(
        ..., ge=1, description="Điều; null only for an annex without articles"
    )
    clause: int | None = Field(None, ge=1, description="khoản, as printed")
    point: str | None = Field(None, description="điểm (a, b, c, d, đ, ...) or a dash item")
    quote: str = Field(..., min_length=3, description="short verbatim quote from the text")
    note: str | None = None


class Text(Model):
    """A short text in Vietnamese with its English rendering."""

    vi: str = Field(..., min_length=1)
    en: str = Field(..., min_length=1)


class CitedValue(Model):
    """A single value with its source, or null with a note saying why the text has none."""

    value: Any = None
    source: Source | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _value_needs_source(self) -> CitedValue:
        if self.value is not None and self.source is None:
            raise ValueError("a value needs its source (article, clause, quote)")
        if self.value is None and not self.note:
            raise ValueError("a null value needs a note saying why the text gives none")
        return self


class Note(Model):
    """A provision recorded with its source: what it says, and what the engine does with it."""

    note: str
    source: Source


def json_value(value: Any, depth: int = 0) -> Any:
    """A free-form value as JSON can hold it, since reports, explain and every output
    format write it: a date becomes its ISO text; bytes, sets and other objects are refused."""
    if depth > 32:
        raise ValueError("a value nested more than 32 levels deep")
    if value is None or isinstance(value, (bool, str, float)):
        return value
    if isinstance(value, int):
        if abs(value) >= 2**63:
            raise ValueError("an integer of more than 63 bits")
        return value
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [json_value(v, depth + 1) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise ValueError("a mapping whose keys are not all strings")
        return {k: json_value(v, depth + 1) for k, v in value.items()}
    raise ValueError(f"a value of type {type(value).__name__}, which JSON cannot hold")


class Interpretation(Model):
    """A reading of an open text, pinned to the field it sets; callers may override it."""

    id: Id
    path: str = Field(..., description="dotted path of the value, list items by id")
    value: Any
    question: str
    reading: str
    alternatives: list[Any] = []
    source: Source | None = None

    @field_validator("value", "alternatives")
    @classmethod
    def _json(cls, value: Any) -> Any:
        return json_value(value)

    #: The rule set's own value when a caller overrode this reading (`override`); unset
    #: otherwise. Private: not part of the schema, never written back to YAML.
    _text_value: Any = PrivateAttr(default=None)
    _overridden: bool = PrivateAttr(default=False)

    @property
    def overridden(self) -> bool:
        return self._overridden

    @property
    def text_value(self) -> Any:
        """The value of the rule set's own reading (the current one unless overridden)."""
        return self._text_value if self._overridden else self.value

    def overriding(self, text_value: Any) -> Interpretation:
        """This reading as a caller's override of the rule set's own value `text_value`."""
        copy = self.model_copy()
        copy._text_value, copy._overridden = text_value, True
        return copy
