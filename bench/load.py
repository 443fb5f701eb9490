"""Load generators: wrk with a Lua script where it is installed, else a Python fallback.

A ``Series`` describes what each request sends: a fixed body, a body with a
counter in it (CreateCall: every request a new ExternalTicketId), a body per
id from a list (SetSolutionAcceptance: every request answers a call of its
own) or Login alternating with a call on the session it returned.

The fallback (``--loader python``, or when ``wrk`` is not on PATH) runs one
thread per connection with keep-alive ``http.client`` connections. It shares
the GIL with itself, so above about 4 connections it measures the load
generator more than the server; ratios against the floor stay comparable
because the floor is driven the same way.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Series:
    name: str
    path: str = "/helpdesk"
    body: bytes = b""
    #: CreateCall: the body is split around this marker, replaced by a counter per request.
    counter_marker: bytes | None = None
    #: SetSolutionAcceptance: the marker is replaced by the next id of this list.
    ids: list[int] = field(default_factory=list)
    id_marker: bytes | None = None
    #: Login + session: ``body`` is the Login, this the session call with a TOKEN marker.
    session_body: bytes | None = None
    offset: int = 0  # next unused id, across runs


@dataclass
class Result:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    #: CPU time the server's workers spent per request (set by the runner).
    cpu_ms: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def _lua_string(data: bytes) -> str:
    return "'" + "".join(f"\\{b:03d}" if b < 32 or b in (39, 92) or b > 126 else chr(b) for b in data) + "'"


_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %d, "us": %d, "errors": %d, "p50": %d, "p99": %d, "max": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout + e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def _lua(series: Series, tag: str) -> str:
    head = f'local path = "{series.path}"\nlocal headers = {{["Content-Type"] = "text/xml; charset=utf-8", ["SOAPAction"] = ""}}\n'
    if series.session_body is not None:
        pre, post = series.session_body.split(b"TOKEN")
        return head + f"""
local login = wrk.format("POST", path, headers, {_lua_string(series.body)})
local pre, post = {_lua_string(pre)}, {_lua_string(post)}
local token, turn = nil, 0
request = function()
  turn = turn + 1
  if token == nil or turn % 2 == 1 then return login end
  return wrk.format("POST", path, headers, pre .. token .. post)
end
response = function(status, hdrs, body)
  local t = string.match(body, "Token>([^<]+)</")
  if t then token = t end
end
""" + _DONE
    if series.counter_marker is not None:
        pre, post = series.body.split(series.counter_marker)
        return head + f"""
local pre, post, n = {_lua_string(pre)}, {_lua_string(post)}, 0
request = function()
  n = n + 1
  return wrk.format("POST", path, headers, pre .. "{tag}-" .. n .. post)
end
""" + _DONE
    if series.id_marker is not None:
        pre, post = series.body.split(series.id_marker)
        ids = ",".join(str(i) for i in series.ids[series.offset:])
        return head + f"""
local pre, post, n = {_lua_string(pre)}, {_lua_string(post)}, 0
local ids = {{{ids}}}
request = function()
  n = n + 1
  return wrk.format("POST", path, headers, pre .. ids[(n - 1) % #ids + 1] .. post)
end
""" + _DONE
    return head + f"""
local req = wrk.format("POST", path, headers, {_lua_string(series.body)})
request = function() return req end
""" + _DONE


def run(url: str, series: Series, connections: int, seconds: float, tag: str,
        loader: str = "wrk") -> Result:
    if loader == "wrk":
        result = _run_wrk(url, series, connections, seconds, tag)
    else:
        result = _run_python(url, series, connections, seconds, tag)
    if series.id_marker is not None:
        series.offset += result.requests
    return result


def _run_wrk(url, series, connections, seconds, tag) -> Result:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_lua(series, tag))
    try:
        out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
                              "-s", script.name, url + series.path],
                             capture_output=True, text=True, timeout=seconds + 60)
    finally:
        os.unlink(script.name)
    found = re.search(r"^RESULT (\{.*\})$", out.stdout, re.M)
    if not found:
        raise RuntimeError(f"wrk failed: {out.stdout}\n{out.stderr}")
    r = json.loads(found.group(1))
    return Result(r["requests"], r["us"] / 1e6, r["errors"], r["p50"] / 1000, r["p99"] / 1000,
                  r["max"] / 1000)


def _run_python(url, series, connections, seconds, tag) -> Result:
    host, port = url.removeprefix("http://").split(":")
    lock = threading.Lock()
    state = {"n": 0, "token": None}
    latencies: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds

    def next_body() -> bytes:
        with lock:
            state["n"] += 1
            n = state["n"]
        if series.session_body is not None:
            if state["token"] is None or n % 2 == 1:
                return series.body
            return series.session_body.replace(b"TOKEN", state["token"])
        if series.counter_marker is not None:
            return series.body.replace(series.counter_marker, f"{tag}-{n}".encode())
        if series.id_marker is not None:
            ids = series.ids[series.offset:]
            return series.body.replace(series.id_marker, str(ids[(n - 1) % len(ids)]).encode())
        return series.body

    def worker():
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        mine = []
        while time.monotonic() < stop:
            body = next_body()
            start = time.perf_counter()
            try:
                conn.request("POST", series.path, body, {"Content-Type": "text/xml; charset=utf-8"})
                resp = conn.getresponse()
                data = resp.read()
            except OSError:
                errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=10)
                continue
            mine.append(time.perf_counter() - start)
            if resp.status != 200:
                errors[0] += 1
            elif series.session_body is not None:
                found = re.search(rb"Token>([^<]+)</", data)
                if found:
                    state["token"] = found.group(1)
        conn.close()
        with lock:
            latencies.extend(mine)

    began = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    if not latencies:
        return Result(0, elapsed, errors[0], 0, 0, 0)

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1000

    if series.id_marker is not None:
        state["n"] = len(latencies)
    return Result(len(latencies), elapsed, errors[0], pct(50), pct(99), latencies[-1] * 1000)
