"""The benchmark's report: targets judged on the table's ratio, the write floor set beside them."""

from __future__ import annotations

from argparse import Namespace

from bench.extras import WriteFloor
from bench.load import Result
from bench.report import markdown
from bench.run import CONCURRENCY

OPERATIONS = ("CreateCall", "GetCallData (20 history, 5 contacts)", "GetCallData (500 history)",
              "SetSolutionAcceptance", "Login + session call")


def result(rps: float) -> Result:
    return Result(requests=int(rps * 2), seconds=2.0, errors=0, p50_ms=1.0, p99_ms=2.0,
                  max_ms=3.0, cpu_ms=0.2 * 7000 / rps)


def run(ratios: dict[str, float], write_floor: WriteFloor | None) -> dict:
    results = {op: {c: (result(7000 * ratios[op]), result(7000)) for c in CONCURRENCY}
               for op in OPERATIONS}
    own = {op: (ratios[op] + 0.1, 600) for op in OPERATIONS[:4]}
    return {"results": results, "startup": {"WSDL served": 0.9}, "memory": {}, "auth": {},
            "write_floor": write_floor, "own_floor": own, "exhausted": False}


def row(text: str, op: str) -> list[str]:
    line, = [x for x in text.splitlines() if x.startswith(f"| {op} |")]
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_targets_are_judged_on_the_ratio_and_the_own_bytes_ratio_stands_beside_it():
    ratios = dict(zip(OPERATIONS, (0.30, 0.55, 0.43, 0.49, 0.28)))
    text = markdown({"SQLite": run(ratios, None)}, {}, Namespace(loader="wrk", seconds=2), 300,
                    "python -m bench")
    assert row(text, "CreateCall")[3:7] == ["0.30", "≥ 0.5 ✘", "0.30", "0.40"]
    assert row(text, "GetCallData (20 history, 5 contacts)")[3:5] == ["0.55", "≥ 0.45 ✔"]
    assert row(text, "SetSolutionAcceptance")[3:5] == ["0.49", "≥ 0.5 ✘"]
    assert row(text, "Login + session call")[6] == ""  # no floor of its own bytes
    assert "Write floor" not in text


def test_the_write_floor_says_when_a_target_lies_above_it():
    ratios = dict(zip(OPERATIONS, (0.30, 0.55, 0.43, 0.27, 0.28)))
    below = WriteFloor(0.46, 0.48, 0.30, 0.83, 5, 2)
    runs = {"SQLite": run(ratios, below),
            "PostgreSQL": run(ratios, below._replace(ratio=0.42, create_call=0.21))}
    text = markdown(runs, {}, Namespace(loader="wrk", seconds=2), 300, "python -m bench")
    sqlite, postgres = [x for x in text.splitlines() if x.startswith("- Write floor")]
    assert "0.46× the floor" in sqlite and "0.65 of the write floor" in sqlite
    assert "The target of 0.5× is above the write floor itself" in sqlite
    assert "0.42× the floor" in postgres and "above the write floor" not in postgres  # 0.4 ≤ 0.42
