"""`quyche serve` as a real process on a free loopback port, called over HTTP.

Every endpoint; bad bodies (malformed lines, naive datetimes, too large, too many
events) answered with a 4xx naming the line; concurrent requests giving the same
reports as `quyche.evaluate`. The servers are started and stopped by the tests.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import orjson
import pytest

import quyche
from quyche._load import read_data
from quyche.analysis.schedule import schedule, window
from quyche.events import read_jsonl

httpx = pytest.importorskip("httpx", reason="the server tests need httpx (the dev extra)")
pytest.importorskip("fastapi", reason="quyche serve needs the server extra")

ROOT = Path(__file__).resolve().parents[1]
EVENTS = (ROOT / "examples/kontum/events.jsonl").read_bytes()
SITES = read_data((ROOT / "examples/kontum/sites.yaml").read_text(encoding="utf-8"), "sites")
AS_OF = "2024-12-31T23:59:59+07:00"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, *args: str) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "quyche", "serve", "--port", str(self.port), *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not start: {self.log}")
            time.sleep(0.1)
        self.client = httpx.Client(base_url=self.url, timeout=60)

    def stop(self) -> None:
        self.process.terminate()
        try:
            out, _ = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, _ = self.process.communicate()
        self.log = out


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.stop()
    assert f"Uvicorn running on http://127.0.0.1:{s.port}" in s.log  # loopback by default
    assert "Traceback" not in s.log


@pytest.fixture(scope="module")
def tight() -> Iterator[Server]:
    s = Server("--max-body-mb", "0.01", "--max-events", "3")
    yield s
    s.stop()


def _expected(events: bytes = EVENTS, **kwargs: object) -> dict:
    report = quyche.evaluate("kontum", read_jsonl(events.splitlines()), as_of=AS_OF,
                             sites=SITES, **kwargs)
    return json.loads(orjson.dumps(report.model_dump(mode="json")))


def _evaluate(s: Server, body: bytes, **params: object) -> httpx.Response:
    query = {"rule_set": "kontum", "as_of": AS_OF, "sites": json.dumps(SITES), **params}
    return s.client.post("/v1/evaluate", params=query, content=body,
                         headers={"content-type": "application/x-ndjson"})


def test_health_and_rule_sets(server: Server) -> None:
    assert server.client.get("/health").json()["status"] == "ok"
    listed = server.client.get("/v1/rule-sets").json()
    assert [r["id"] for r in listed] == quyche.rule_sets()
    kontum = next(r for r in listed if r["id"] == "kontum")
    assert kontum["instrument"] == "03/2024/QĐ-UBND" and kontum["in_force"] == "2024-01-15"
    one = server.client.get("/v1/rule-sets/kontum").json()
    assert one["rule_set"] == quyche.load("kontum").model_dump(mode="json")
    assert one["schema"]["title"] == "quyche rule set" and "$schema" in one["schema"]
    missing = server.client.get("/v1/rule-sets/nosuch")
    assert missing.status_code == 404 and "GET /v1/rule-sets" in missing.json()["error"]
    # A path is never read as a file.
    assert server.client.get("/v1/rule-sets/%2Fetc%2Fpasswd").status_code == 404


def test_evaluate_jsonl_equals_the_library(server: Server) -> None:
    answer = _evaluate(server, EVENTS, strict="false")
    assert answer.status_code == 200, answer.text
    assert answer.json() == _expected()


def test_evaluate_json_array_and_object(server: Server) -> None:
    events = [json.loads(line) for line in EVENTS.splitlines()[:3000]]
    body = b"\n".join(EVENTS.splitlines()[:3000])
    expected = _expected(body)
    as_array = server.client.post(
        "/v1/evaluate", params={"rule_set": "kontum", "as_of": AS_OF,
                                "sites": json.dumps(SITES), "strict": "false"},
        json=events)
    assert as_array.status_code == 200 and as_array.json() == expected
    as_object = server.client.post(
        "/v1/evaluate", params={"rule_set": "kontum", "strict": "false"},
        json={"events": events, "as_of": AS_OF, "sites": SITES})
    assert as_object.status_code == 200 and as_object.json() == expected
    both = server.client.post("/v1/evaluate", params={"rule_set": "kontum", "as_of": AS_OF},
                              json={"events": [], "as_of": AS_OF})
    assert both.status_code == 422 and "both" in both.json()["error"]


def test_evaluate_as_html(server: Server) -> None:
    answer = server.client.post(
        "/v1/evaluate", params={"rule_set": "kontum", "as_of": AS_OF, "sites": json.dumps(SITES),
                                "strict": "false", "lang": "en"},
        content=EVENTS, headers={"accept": "text/html"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert '<html lang="en">' in answer.text and 'id="heatmap"' in answer.text
    assert "http://" not in answer.text and "https://" not in answer.text


def test_bad_bodies_name_the_line(server: Server) -> None:
    good = EVENTS.splitlines()[0]
    naive = (b'{"type":"broadcast","site":"bo_y","start":"2024-03-01T07:00:00",'
             b'"end":"2024-03-01T08:00:00+07:00"}')
    answer = _evaluate(server, b"\n".join([good, b"", naive, b"{not json"]))
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"].startswith("line 3: start: datetime has no UTC offset")
    assert [p["line"] for p in body["problems"]] == [3, 4]
    assert "line 4, column 2: invalid JSON" in body["problems"][1]["reason"]
    # strict=false: the report, with the rejected events listed (as `quyche check`).
    lenient = _evaluate(server, b"\n".join([good, b"", naive, b"{not json"]), strict="false")
    assert lenient.status_code == 200 and lenient.json()["summary"]["events_rejected"] == 2
    broken = server.client.post("/v1/evaluate", params={"rule_set": "kontum", "as_of": AS_OF},
                                content=b'[{"type": "broadcast"},\n  {oops}]',
                                headers={"content-type": "application/json"})
    assert broken.status_code == 422 and broken.json()["error"].startswith("line 2, column 4")
    naive_as_of = _evaluate(server, good, as_of="2024-12-31T23:59:59")
    assert naive_as_of.status_code == 422
    assert naive_as_of.json()["error"] == "as_of: datetime has no UTC offset"
    for bad, word in ((dict(sites="[{"), "sites: not JSON"),
                      (dict(interpretation="nosep"), "expected ID=VALUE"),
                      (dict(engine="quantum"), "engine")):
        answer = _evaluate(server, good, **bad)
        assert answer.status_code == 422 and word in answer.json()["error"], answer.text
    missing = server.client.post("/v1/evaluate", params={"rule_set": "kontum"}, content=good)
    assert missing.status_code == 422 and "as_of: required" in missing.json()["error"]
    for answer in (broken, naive_as_of, missing):
        assert "Traceback" not in answer.text


def test_limits(tight: Server) -> None:
    lines = EVENTS.splitlines()
    many = _evaluate(tight, b"\n".join(lines[:5]))
    assert many.status_code == 413 and many.json()["error"].startswith("line 4: more than 3")
    large = tight.client.post("/v1/evaluate", params={"rule_set": "kontum", "as_of": AS_OF},
                              content=b"\n" * 20_000)
    assert large.status_code == 413 and "20000 bytes, more than 10485" in large.json()["error"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: refused while streaming
        for _ in range(100):
            yield b" " * 1000 + b"\n"

    streamed = tight.client.post("/v1/evaluate", params={"rule_set": "kontum", "as_of": AS_OF},
                                 content=chunks())
    assert streamed.status_code == 413 and "at line" in streamed.json()["error"]


def test_concurrent_requests_equal_evaluate(server: Server) -> None:
    lines = EVENTS.splitlines()
    parts = [b"\n".join(lines[i::4]) for i in range(4)] + [EVENTS]
    with ThreadPoolExecutor(5) as pool:
        answers = list(pool.map(lambda body: _evaluate(server, body, strict="false"), parts))
    for body, answer in zip(parts, answers, strict=True):
        assert answer.status_code == 200
        assert answer.json() == _expected(body)


def test_diff_schedule_explain(server: Server) -> None:
    diff = server.client.get("/v1/diff/kontum/laichau")
    assert diff.json() == json.loads(orjson.dumps(
        quyche.diff("kontum", "laichau").model_dump(mode="json")))
    page = server.client.get("/v1/diff/kontum/laichau", headers={"accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html") and 'data-grid="table"' in page.text
    ics = server.client.get("/v1/schedule/kontum.ics", params={"year": 2025})
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert ics.text.count("BEGIN:VEVENT") == len(schedule("kontum", *window(2025)))
    mine = server.client.get("/v1/schedule/kontum.ics", params={"year": 2025, "actor": "so_tttt"})
    assert 0 < mine.text.count("BEGIN:VEVENT") < ics.text.count("BEGIN:VEVENT")
    assert server.client.get("/v1/schedule/kontum.ics", params={"year": 1900}).status_code == 422
    operators = server.client.get("/v1/schedule/kontum.ics", params={
        "year": 2025, "actor": "bdbp_tinh", "sites": json.dumps(SITES)})
    assert operators.text.count("BEGIN:VEVENT") == len(
        schedule("kontum", *window(2025), actor="bdbp_tinh", sites=SITES)) > 0
    explained = server.client.get("/v1/explain/kontum/daily_minimum",
                                  params={"today": "2025-01-01"})
    assert explained.json() == json.loads(orjson.dumps(quyche.explain(
        "kontum", "daily_minimum", today="2025-01-01", ref="kontum").model_dump(mode="json")))
    nosuch = server.client.get("/v1/explain/kontum/nosuch")
    assert nosuch.status_code == 422 and "no rule 'nosuch'" in nosuch.json()["error"]


def test_openapi_documents_every_endpoint(server: Server) -> None:
    spec = server.client.get("/openapi.json").json()
    assert set(spec["paths"]) == {
        "/health", "/v1/rule-sets", "/v1/rule-sets/{rule_set_id}", "/v1/evaluate",
        "/v1/partial", "/v1/merge", "/v1/diff/{a}/{b}", "/v1/schedule/{rule_set_id}.ics",
        "/v1/explain/{rule_set_id}/{rule_id}"}
    assert server.client.get("/docs").status_code == 404  # its page would load a CDN
    evaluate = spec["paths"]["/v1/evaluate"]["post"]["responses"]
    assert evaluate["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Report"}
    assert {"413", "422"} <= set(evaluate)
    assert "Violation" in spec["components"]["schemas"]
    assert spec["paths"]["/v1/explain/{rule_set_id}/{rule_id}"]["get"]["responses"]["200"][
        "content"]["application/json"]["schema"]["$ref"].endswith("/Explanation")


def test_partials_merge_into_the_report_of_the_whole(server: Server) -> None:
    lines = EVENTS.splitlines()
    parts = [b"\n".join(lines[i::3]) for i in range(3)]
    states = []
    for n, part in enumerate(parts):
        params = {"rule_set": "kontum", "sites": json.dumps(SITES), "strict": "false",
                  "partition": f"part-{n}"}
        if n:  # the first is left open: it merges at the as_of the others fixed
            params["as_of"] = AS_OF
        answer = server.client.post("/v1/partial", params=params, content=part)
        assert answer.status_code == 200, answer.text
        assert answer.json()["format"] == "quyche.evaluation.partial"
        states.append(answer.json())
    merged = server.client.post("/v1/merge", json=states)
    assert merged.status_code == 200, merged.text
    whole = _expected()
    got = merged.json()
    # Rejected events keep their partition and index within it; all else is the whole's.
    assert {k: v for k, v in got.items() if k != "rejected"} == {
        k: v for k, v in whole.items() if k != "rejected"}
    assert sorted(r["reason"] for r in got["rejected"]) == sorted(
        r["reason"] for r in whole["rejected"])
    page = server.client.post("/v1/merge", json={"partials": states, "as_of": AS_OF},
                              headers={"accept": "text/html"})
    assert page.status_code == 200 and 'id="heatmap"' in page.text
    # Partials of other sites do not merge; a partial naming no bundled rule set is refused.
    other = server.client.post("/v1/partial", params={"rule_set": "kontum", "as_of": AS_OF},
                               content=b"").json()
    clash = server.client.post("/v1/merge", json=[states[1], other])
    assert clash.status_code == 422 and "sites" in clash.json()["error"]
    forged = dict(states[1], rule_set=dict(states[1]["rule_set"], id="../../etc/passwd"))
    assert server.client.post("/v1/merge", json=[forged]).status_code == 404
    assert server.client.post("/v1/merge", json=[{"format": "x"}]).status_code == 422
    assert server.client.post("/v1/merge", content=b"[{").status_code == 422
    strict = server.client.post("/v1/partial", params={"rule_set": "kontum",
                                                        "sites": json.dumps(SITES)},
                                content=b"{oops")
    assert strict.status_code == 422 and strict.json()["error"].startswith("line 1")
