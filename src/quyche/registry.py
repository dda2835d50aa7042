"""The registries a caller supplies: which sites exist, who operates them, who is in a group.

A rule set names its own sites and actors; the caller adds the rest at run time
(`evaluate(..., sites=[...], actors={...})`, `quyche check --sites FILE --actors
FILE`). Those values end up in reports, tables, Markdown and `.ics` calendars, so
they are read here, once, as strictly as a rule set: a pydantic model of each
registry, no unknown keys, no type coercion, and every id matching `ID_PATTERN`
(no spaces, newlines, brackets or markup). The Python API and the command line
call the same functions and so give the same messages; the command line adds
the file, line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, StrictStr, TypeAdapter, ValidationError

from .errors import EvaluationError, RegistryError

__all__ = ["ID_PATTERN", "CallerId", "RegistryError", "SiteEntry", "check_id", "read_actors",
           "read_sites"]

#: Every id a caller supplies (a site, its kind, its operator, an actor, a group):
#: letters (any script), digits and `_ - . : / @ +`, starting with a letter or digit,
#: at most 200 characters. Nothing that a terminal, Markdown, HTML or iCalendar reads.
ID_PATTERN = r"[^\W_][\w.:@/+-]{0,199}"
_ID = re.compile(ID_PATTERN)
ID_RULE = ("an id is letters, digits and _ - . : / @ + (no spaces, newlines, brackets "
           "or quotes), starting with a letter or digit, at most 200 characters")


def check_id(value: str) -> str:
    """`value` if it is a valid caller-supplied id; ValueError saying why otherwise."""
    if not _ID.fullmatch(value):
        raise ValueError(f"{_short(value)} is not an id: {ID_RULE}")
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


CallerId = Annotated[StrictStr, AfterValidator(check_id)]


class SiteEntry(BaseModel):
    """One site of a registry: `{id, kind, operator?, name?}`."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    id: CallerId
    kind: CallerId
    operator: CallerId | None = None
    name: StrictStr | None = None


_SITE = TypeAdapter(SiteEntry)
_GROUPS = TypeAdapter(list[CallerId])


def _field(exc: ValidationError) -> str:
    loc = exc.errors(include_url=False)[0]["loc"]
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


def _message(exc: ValidationError, where: str) -> str:
    """The first problem of `exc`, as `where: field: message (got ...)`."""
    err = exc.errors(include_url=False)[0]
    field = _field(exc)
    if err["type"] == "missing":
        message = "field required"
    elif err["type"] == "extra_forbidden":
        message = "unknown key (a site has id, kind, operator and name)"
    elif err["type"] == "value_error":
        message = str(err["ctx"]["error"])
    else:
        message = f"{err['msg']} (got {_short(err.get('input'))})"
    return f"{where}: {field}: {message}" if field else f"{where}: {message}"


def read_sites(sites: Iterable[Any] | None) -> list[SiteEntry]:
    """A site registry as `SiteEntry`s; `EvaluationError` naming the item and field otherwise.

    Accepts a list of mappings (or of `SiteEntry`s, or of other pydantic models with those
    fields). Duplicate ids are refused: a site registered twice has no single kind.
    """
    if sites is None:
        return []
    if isinstance(sites, (Mapping, str, bytes)) or not isinstance(sites, Iterable):
        raise EvaluationError(f"sites: expected a list of sites, got {type(sites).__name__}")
    out: list[SiteEntry] = []
    given: dict[str, int] = {}
    for i, raw in enumerate(sites):
        if isinstance(raw, BaseModel) and not isinstance(raw, SiteEntry):
            raw = raw.model_dump()
        if not isinstance(raw, (Mapping, SiteEntry)):
            raise RegistryError(f"sites[{i}]: expected a mapping with a string 'id', got "
                                f"{type(raw).__name__}", f"[{i}]")
        ident = raw.id if isinstance(raw, SiteEntry) else raw.get("id")
        label = f"sites[{i}] ({ident})" if isinstance(ident, str) and _ID.fullmatch(ident) \
            else f"sites[{i}]"
        if isinstance(raw, Mapping) and "kind" not in raw and isinstance(ident, str):
            raise RegistryError(f"{label}: kind: field required", f"[{i}]")
        try:
            entry = raw if isinstance(raw, SiteEntry) else _SITE.validate_python(dict(raw))
        except ValidationError as exc:
            raise RegistryError(_message(exc, label), f"[{i}].{_field(exc)}") from None
        if entry.id in given:
            raise RegistryError(f"{label}: the same id as sites[{given[entry.id]}]; "
                                "each site once", f"[{i}].id")
        given[entry.id] = i
        out.append(entry)
    return out


def read_actors(actors: Mapping[str, Iterable[str]] | None) -> dict[str, list[str]]:
    """Actor groups as `{actor id: [group id, ...]}`; `EvaluationError` naming the actor."""
    if actors is None:
        return {}
    if not isinstance(actors, Mapping):
        raise EvaluationError("actors: expected a mapping of actor id to its groups, got "
                              f"{type(actors).__name__}")
    out: dict[str, list[str]] = {}
    for actor, member_of in actors.items():
        if not isinstance(actor, str):
            raise RegistryError(f"actors: the key {_short(actor)} is not an id; {ID_RULE}")
        try:
            check_id(actor)
        except ValueError as exc:
            raise RegistryError(f"actors: {exc}", actor) from None
        if isinstance(member_of, (str, bytes, Mapping)) or not isinstance(member_of, Iterable):
            raise RegistryError(f"actors[{actor!r}]: expected a list of groups", actor)
        try:
            out[actor] = _GROUPS.validate_python(list(member_of))
        except ValidationError as exc:
            raise RegistryError(_message(exc, f"actors[{actor!r}]"), actor + _field(exc)
                                ) from None
    return out
