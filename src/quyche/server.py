"""`quyche serve`: the library over HTTP, for systems that are not written in Python.

A screen-management system, a document-management system or a portal CMS posts
its log and gets the report back, as JSON or as the HTML page; systems that each
hold a part of a log post partials and merge them. Built on FastAPI
(which writes the OpenAPI document) and served by uvicorn, both in the
`quyche[server]` extra. Only the bundled rule sets are served: a path in a URL is
never read as a file.

Limits protect the process: the body is read in chunks and refused with 413 as
soon as it passes `max_body_bytes` or `max_events` (naming the line it reached);
a body that is not JSON, a bad argument or, unless `strict=false`, an event the
evaluation rejects is a 422 naming the line and the field. Every error is JSON
`{"error": ..., ...}`; a traceback is never sent.

JSON lines are kept as the bytes that came (no object per line) and read one line
at a time by the evaluation. Evaluations run one at a time in a worker thread (the
GIL would serialise them anyway, and the shared working-day calendar may be
extended by one), each once its body is complete, so a slow upload never holds up
another request's evaluation, and the event loop keeps answering `/health`.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from importlib.metadata import version
from typing import Any

import orjson

from .errors import BackendUnavailable, QuycheError, RuleSetNotFound

try:
    from fastapi import FastAPI, Query, Request
    from fastapi.concurrency import run_in_threadpool
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import HTMLResponse, JSONResponse, Response
    from starlette.exceptions import HTTPException as StarletteHTTPException
except ImportError as exc:  # pragma: no cover - exercised by the CLI's message
    raise BackendUnavailable("quyche serve needs the server extra: "
                             "pip install 'quyche[server]'") from exc

from ._load import load, rule_sets
from .analysis.diff import Diff, diff, tables
from .analysis.explain import explain
from .analysis.explanation import Explanation
from .analysis.schedule import schedule, to_ics, window
from .errors import validation_message
from .evaluation.engine import evaluate
from .evaluation.partial import Partial, merge, partial
from .model.jsonschema import rule_set_schema
from .render import render_html
from .report import Report
from .report_html import render_report_html
from .server_body import ApiError, Body, ErrorBody, Limits, read_all, read_body

__all__ = ["ApiError", "ErrorBody", "Limits", "create_app", "serve"]


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": what} for code, what in (
        (404, "no such rule set (or path)"),
        (413, "the body or its event count is over the limit"),
        (422, "a bad argument, a body that is not JSON, or a rejected event"),
        (500, "an unexpected failure (no traceback is sent)"))}


def _error(status: int, message: str, **details: Any) -> JSONResponse:
    return JSONResponse({"error": message, **details}, status_code=status)


def _rule_set(rule_set_id: str, interpretations: dict[str, Any] | None = None) -> Any:
    if rule_set_id not in rule_sets():
        raise ApiError(404, f"no bundled rule set {rule_set_id!r}; GET /v1/rule-sets lists them")
    return load(rule_set_id, interpretations=interpretations or None)


def _interpretations(items: list[str]) -> dict[str, Any]:
    import yaml

    out: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise ApiError(422, f"interpretation {item!r}: expected ID=VALUE")
        try:
            out[key] = yaml.safe_load(value)
        except yaml.YAMLError:
            raise ApiError(422, f"interpretation {item!r}: the value is not YAML") from None
    return out


def _json_arg(text: str | None, name: str) -> Any:
    if text is None:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise ApiError(422, f"{name}: not JSON (column {exc.colno}: {exc.msg})") from None


async def _request(request: Request, limits: Limits, rule_set: str,
                   interpretation: list[str], as_of: str | None, since: str | None,
                   sites: str | None, actors: str | None) -> tuple[Any, Body, dict[str, Any]]:
    """The rule set, the body and the arguments of an evaluation (query or body, not both)."""
    rs = _rule_set(rule_set, _interpretations(interpretation))
    body = await read_body(request, limits)
    given = {"as_of": as_of, "since": since, "sites": _json_arg(sites, "sites"),
             "actors": _json_arg(actors, "actors")}
    for key, value in body.arguments.items():
        if given[key] is not None:
            raise ApiError(422, f"{key}: given both in the query and in the body")
        given[key] = value
    if isinstance(given["sites"], dict) and "sites" in given["sites"]:
        given["sites"] = given["sites"]["sites"]
    return rs, body, given


def _refuse_rejected(rejected: list[Any], body: Body) -> None:
    """422 naming the body line of each rejected event (the first 20), if there are any."""
    if not rejected:
        return
    shown = rejected[:20]
    lines = body.line_of([r.index for r in shown])
    problems = [{"line": lines.get(r.index), "id": r.id, "reason": r.reason} for r in shown]
    first = problems[0]
    where = f"line {first['line']}"
    said = first["reason"] if first["reason"].startswith(where) else (
        f"{where}: {first['reason']}")
    more = f" (and {len(rejected) - 1} more rejected events)" if len(rejected) > 1 else ""
    raise ApiError(422, said + more, rejected=len(rejected), problems=problems)


async def _report_response(request: Request, report: Report, lang: str) -> Response:
    """The report as JSON, or as its page when the client accepts HTML."""
    if "text/html" in request.headers.get("accept", ""):
        return HTMLResponse(await run_in_threadpool(render_report_html, report, lang))
    return Response(orjson.dumps(report.model_dump(mode="json")), media_type="application/json")


# --------------------------------------------------------------------------- the app


def create_app(limits: Limits | None = None) -> FastAPI:
    """The HTTP API as an ASGI app (uvicorn serves it; tests may mount it elsewhere)."""
    app = FastAPI(title="quyche", version=version("quyche"),
                  description="Vietnamese provincial regulations on public electronic "
                  "information, as code: rule sets, evaluation, diff, schedule, explain.",
                  docs_url=None, redoc_url=None)  # their pages load scripts from a CDN
    _answer_errors(app)
    _rule_set_routes(app)
    limits, locked = limits or Limits(), _one_at_a_time()
    _log_routes(app, limits, locked)
    _merge_route(app, limits, locked)
    _analysis_routes(app)
    return app


def _answer_errors(app: FastAPI) -> None:
    """Every error as JSON `{"error": ...}` with its status; never a traceback."""
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.message, **exc.details)

    @app.exception_handler(QuycheError)
    async def _quyche_error(_request: Request, exc: QuycheError) -> JSONResponse:
        status = 404 if isinstance(exc, RuleSetNotFound) else 422
        return _error(status, str(exc).replace("\n", " "))

    @app.exception_handler(RequestValidationError)
    async def _bad_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {validation_message(e)}"
                    for e in exc.errors()]
        return _error(422, "; ".join(problems), problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        return _error(500, f"internal error ({type(exc).__name__}); the server's log has "
                      "the details")


def _rule_set_routes(app: FastAPI) -> None:
    """/health and the bundled rule sets as data."""
    @app.get("/health", summary="Liveness: the server answers and knows its rule sets")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "version": app.version, "rule_sets": len(rule_sets())}

    @app.get("/v1/rule-sets", summary="The bundled rule sets with their instruments")
    async def list_rule_sets() -> list[dict[str, Any]]:
        out = []
        for name in rule_sets():
            rs = load(name)
            inst = rs.instrument
            in_force = inst.date_of("in_force")
            out.append({"id": name, "province": rs.province, "instrument": inst.number.value,
                        "in_force": in_force.isoformat() if in_force else None,
                        "status": inst.status, "rules": len(rs.rule_ids())})
        return out

    @app.get("/v1/rule-sets/{rule_set_id}",
             summary="One rule set as data, with the JSON Schema it follows",
             responses=_ERRORS)
    async def get_rule_set(rule_set_id: str) -> dict[str, Any]:
        rs = _rule_set(rule_set_id)
        return {"rule_set": rs.model_dump(mode="json"), "schema": rule_set_schema()}


def _one_at_a_time() -> Callable[..., Any]:
    """A runner that calls one function at a time (the app's evaluations share a lock)."""
    lock = threading.Lock()

    def locked(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with lock:
            return function(*args, **kwargs)

    return locked


def _log_routes(app: FastAPI, limits: Limits, locked: Callable[..., Any]) -> None:
    """Evaluate a log, or take the partial of a part of one."""
    @app.post("/v1/evaluate", summary="Evaluate a log of events: the report as JSON or HTML",
              description="The body is JSON lines (application/x-ndjson), a JSON array of "
              "events, or an object {events, as_of, since, sites, actors} "
              "(application/json). With `Accept: text/html` the answer is the report page. "
              "`strict` (default true) answers 422 when the evaluation rejects an event, "
              "naming its line; `strict=false` returns the report with the rejected events "
              "listed, as `quyche check` does.",
              responses={200: {"model": Report, "content": {"text/html": {}}}, **_ERRORS})
    async def evaluate_log(
        request: Request,
        rule_set: str = Query(..., description="a bundled rule-set id"),
        as_of: str | None = Query(None, description="evaluate as of this instant (with offset)"),
        since: str | None = Query(None, description="start of the window"),
        sites: str | None = Query(None, description="the site registry as JSON"),
        actors: str | None = Query(None, description="actor groups as JSON"),
        interpretation: list[str] = Query([], description="override a reading: ID=VALUE"),
        engine: str = Query("native", pattern="^(native|durable)$"),
        strict: bool = Query(True, description="422 on any rejected event"),
        lang: str = Query("vi", pattern="^(vi|en)$", description="language of the HTML page"),
    ) -> Response:
        rs, body, given = await _request(request, limits, rule_set, interpretation, as_of,
                                         since, sites, actors)
        if given["as_of"] is None:
            raise ApiError(422, "as_of: required (a query parameter or a body field), an "
                           "instant with its UTC offset")
        report = await run_in_threadpool(locked, evaluate, rs, body.events(), engine=engine,
                                         **given)
        if strict:
            _refuse_rejected(report.rejected, body)
        return await _report_response(request, report, lang)

    @app.post("/v1/partial", summary="The mergeable state of a part of a log (no findings)",
              description="The same body and arguments as /v1/evaluate; `as_of` may be left "
              "out (an open partial: it merges at any as_of at or after its latest event). "
              "The answer is the partial's JSON (versioned, see the partials page of the "
              "docs), for /v1/merge or `quyche merge`.",
              responses={200: {"content": {"application/json": {}}}, **_ERRORS})
    async def partial_log(
        request: Request,
        rule_set: str = Query(..., description="a bundled rule-set id"),
        as_of: str | None = Query(None, description="fix as_of (default: left open)"),
        since: str | None = Query(None, description="start of the window"),
        sites: str | None = Query(None, description="the site registry as JSON"),
        actors: str | None = Query(None, description="actor groups as JSON"),
        interpretation: list[str] = Query([], description="override a reading: ID=VALUE"),
        partition: str | None = Query(None, description="a name for it in merged rejections"),
        strict: bool = Query(True, description="422 on any rejected event"),
    ) -> Response:
        rs, body, given = await _request(request, limits, rule_set, interpretation, as_of,
                                         since, sites, actors)
        state = await run_in_threadpool(locked, partial, rs, body.events(),
                                        partition=partition, **given)
        if strict:
            _refuse_rejected(state.ledger.rejected, body)
        return Response(state.to_json(), media_type="application/json")



def _merge_route(app: FastAPI, limits: Limits, locked: Callable[..., Any]) -> None:
    """Merge partials into one report, findings computed once."""

    @app.post("/v1/merge", summary="The report of partials merged, findings computed once",
              description="The body (application/json) is an array of partials as "
              "/v1/partial or `quyche check --state-out` wrote them, or an object "
              "{partials, as_of}. `as_of` is needed only when every partial left it open.",
              responses={200: {"model": Report, "content": {"text/html": {}}}, **_ERRORS})
    async def merge_partials(
        request: Request,
        as_of: str | None = Query(None, description="merge as of this instant"),
        lang: str = Query("vi", pattern="^(vi|en)$", description="language of the HTML page"),
    ) -> Response:

        parts, as_of = _partials_in(await read_all(request, limits), as_of)
        for part in parts:  # only bundled rule sets are served: never a path from the body
            _rule_set(str(part.reference.get("id")))
        report = await run_in_threadpool(locked, merge, parts, as_of=as_of)
        return await _report_response(request, report, lang)


def _partials_in(data: bytes, as_of: str | None) -> tuple[list[Partial], str | None]:
    """The partials of a /v1/merge body, and as_of from the query or the body (not both)."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ApiError(422, f"line {exc.lineno}, column {exc.colno}: the body is not JSON "
                       f"({exc.msg})", line=exc.lineno, column=exc.colno) from None
    if isinstance(value, dict) and "partials" in value:
        if value.get("as_of") is not None and as_of is not None:
            raise ApiError(422, "as_of: given both in the query and in the body")
        as_of = as_of or value.get("as_of")
        value = value["partials"]
    if not isinstance(value, list) or not value:
        raise ApiError(422, "expected a JSON array of partials (or {\"partials\": [...]})")
    return [Partial.from_data(item, f"partial {n}") for n, item in enumerate(value, 1)], as_of


def _analysis_routes(app: FastAPI) -> None:
    """Diff, schedule and explain: questions about rule sets, not logs."""
    @app.get("/v1/diff/{a}/{b}", summary="Semantic diff of two rule sets (JSON or HTML)",
             responses={200: {"model": Diff, "content": {"text/html": {}}}, **_ERRORS})
    async def diff_rule_sets(request: Request, a: str, b: str) -> Response:

        result = diff(_rule_set(a), _rule_set(b))
        if "text/html" in request.headers.get("accept", ""):
            return HTMLResponse(render_html(*_ordered(tables(result))))
        return Response(orjson.dumps(result.model_dump(mode="json")),
                        media_type="application/json")

    @app.get("/v1/schedule/{rule_set_id}.ics", summary="Recurring duties as iCalendar",
             response_class=Response,
             responses={200: {"content": {"text/calendar": {}}}, **_ERRORS})
    async def schedule_ics(rule_set_id: str,
                           year: int = Query(..., ge=1976, le=2200),
                           actor: str | None = Query(None, description="only this actor"),
                           sites: str | None = Query(None, description="the site registry "
                                                     "as JSON (for the operator role)"),
                           actors: str | None = Query(None, description="actor groups as JSON")
                           ) -> Response:
        rs = _rule_set(rule_set_id)
        registry = _json_arg(sites, "sites")
        if isinstance(registry, dict) and "sites" in registry:
            registry = registry["sites"]
        duties = schedule(rs, *window(year), actor=actor, sites=registry,
                          actors=_json_arg(actors, "actors"))
        name = f"{rs.id} {year}" + (f" {actor}" if actor else "")
        return Response(to_ics(duties, name=name, rule_set=rs),
                        media_type="text/calendar; charset=utf-8",
                        headers={"Content-Disposition":
                                 f'attachment; filename="{rs.id}-{year}.ics"'})

    @app.get("/v1/explain/{rule_set_id}/{rule_id}",
             summary="One rule in words (vi, en), its article and quote, its readings",
             responses={200: {"model": Explanation}, **_ERRORS})
    async def explain_rule(rule_set_id: str, rule_id: str,
                           today: dt.date | None = Query(None)) -> Response:
        e = explain(_rule_set(rule_set_id), rule_id, today=today, ref=rule_set_id)
        return Response(orjson.dumps(e.model_dump(mode="json")), media_type="application/json")


def _ordered(parts: tuple[str, str, list[Any]]) -> Iterator[Any]:
    """(title, intro, tables) as render_html takes them: (title, tables, intro)."""
    title, intro, tables = parts
    yield from (title, tables, intro)


def serve(host: str = "127.0.0.1", port: int = 8000, limits: Limits | None = None) -> None:
    """Run the server until interrupted (uvicorn, one process)."""
    import uvicorn

    uvicorn.run(create_app(limits), host=host, port=port, log_level="info",
                server_header=False, access_log=True)
