"""What a kept call content and a kept answer take in memory, measured with tracemalloc:
the figures behind the weight estimates of store/repositories/contents.py and
soap/answers.py.

    python -m bench.memory_estimates

On a fresh SQLite file (bench/workload.py's calls of 20 and 500 entries) the gateway
answers GetCallData once per call, in-process; what stays allocated is the call's kept
content and its kept answer (with the text the fast path wrote for it). The answer is
then dropped from the cache, and what is freed is its share. From the two calls, per
item and per call, beside the entries' text.
"""

from __future__ import annotations

import gc
import tempfile
import tracemalloc
from pathlib import Path

from helpdesk_soap.config import Config
from helpdesk_soap.domain.model import Visibility
from helpdesk_soap.soap.app import create_app, make_runtime
from helpdesk_soap.store.repositories import contents
from helpdesk_soap.soap import answers

from . import workload
from .inprocess import call


def _allocated() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def kept_bytes(app, runtime, call_id: int) -> tuple[int, int, int, int]:
    """(content bytes, answer bytes, entries' text, items) that one poll of the call keeps."""
    body = workload.get_call_data(call_id)
    before = _allocated()
    status, _ = call(app, body)
    assert status.startswith("200")
    kept = _allocated() - before
    runtime.answers.kept.pop(call_id)
    answer = kept - (_allocated() - before)
    with runtime.unit_of_work() as uow:
        found = uow.calls.get(call_id)
        content = uow.contents.of(found, Visibility.PUBLIC)
        text = sum(len(e.text) for e in content.entries)
        items = len(content.entries) + len(content.attachments)
    return kept - answer, answer, text, items


def measure(url: str) -> dict[str, float]:
    seeded = workload.seed(url, 10)
    config = Config(database_url=url, call_cache_mb=512)
    runtime = make_runtime(config)
    app = create_app(config, runtime=runtime)
    try:
        call(app, workload.get_call_data(seeded.call_20))  # the code paths' own allocations
        runtime.answers.kept.clear()
        runtime.call_contents.kept.clear()
        tracemalloc.start()
        small = kept_bytes(app, runtime, seeded.call_20)
        large = kept_bytes(app, runtime, seeded.call_500)
        tracemalloc.stop()
    finally:
        app.close()
        runtime.close()
    figures = {}
    for name, index, text_times in (("content", 0, 1), ("answer", 1, 2)):
        per_item = ((large[index] - text_times * large[2]) - (small[index] - text_times * small[2])) \
            / (large[3] - small[3])
        figures[f"{name} per item"] = per_item
        figures[f"{name} per call"] = small[index] - text_times * small[2] - per_item * small[3]
    return figures


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        figures = measure(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
    for name, value in figures.items():
        print(f"{name:20s} {value:10.0f} bytes")
    print(f"(estimates in use: content {contents.ITEM_BYTES} an item, {contents.COPY_BYTES} a copy;"
          f" answer {answers.ITEM_BYTES} an item, {answers.CALL_BYTES} a call)")


if __name__ == "__main__":
    main()
