"""The benchmark's Markdown table and its latency plot."""

from __future__ import annotations

from pathlib import Path

from .plan import CONCURRENCY, OWN_FLOOR_ROUNDS, TABLE_AT

TARGETS = {("SQLite", "CreateCall"): 0.5, ("SQLite", "GetCallData (20 history, 5 contacts)"): 0.45,
           ("SQLite", "SetSolutionAcceptance"): 0.5}


def _target(backend: str, op: str) -> float | None:
    if backend == "PostgreSQL" and not op.startswith("Login"):
        return 0.4
    return TARGETS.get((backend, op))


def markdown(runs: dict, other: dict, args, elapsed: float, command: str) -> str:
    lines = [f"`{command}` ({args.loader}, {args.seconds:g} s per run, every run followed by a run of "
             f"the floor; {elapsed / 60:.1f} min in all). Worker CPU is the gunicorn workers' user + "
             f"system time per request, from /proc; the CPU ratio (floor's CPU per request over the "
             f"operation's) is what the throughput ratio tends to on an idle machine.", ""]
    for backend, run in runs.items():
        lines += [f"**{backend}**, {TABLE_AT} connections (ratio: requests/s against the floor run "
                  f"right after it; peak: best of 1–16 connections against the floor's best)", "",
                  "| operation | req/s | floor req/s | ratio | target | peak ratio "
                  "| own-bytes ratio | p50 ms | p99 ms | max ms | p99/p50 | worker CPU ms/req "
                  "| CPU ratio |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for op, by_c in run["results"].items():
            got, ref = by_c[TABLE_AT]
            peak = max(g.rps for g, _ in by_c.values()) / max(r.rps for _, r in by_c.values())
            target = _target(backend, op)
            mark = "" if target is None else (f"≥ {target:g} " + ("✔" if got.rps / ref.rps >= target
                                                                    else "✘"))
            err = f" ({got.errors} errors)" if got.errors else ""
            own = run.get("own_floor", {}).get(op)
            own_ratio = f"{own[0]:.2f}" if own else ""
            lines.append(f"| {op}{err} | {got.rps:.0f} | {ref.rps:.0f} | {got.rps / ref.rps:.2f} | "
                         f"{mark} | {peak:.2f} | {own_ratio} | {got.p50_ms:.2f} | "
                         f"{got.p99_ms:.2f} | "
                         f"{got.max_ms:.1f} | {got.p99_ms / got.p50_ms:.1f} | {got.cpu_ms:.2f} | "
                         f"{_cpu_ratio(by_c)} |")
        floor = [ref for by_c in run["results"].values() for _, ref in [by_c[TABLE_AT]]]
        best = max(floor, key=lambda r: r.rps)
        floor_cpu = _floor_cpu(run["results"])
        lines.append(f"| floor (best of its runs) | {best.rps:.0f} | | 1 | | | | "
                     f"{best.p50_ms:.2f} | "
                     f"{best.p99_ms:.2f} | {best.max_ms:.1f} | {best.p99_ms / best.p50_ms:.1f} | "
                     f"{floor_cpu:.2f} | 1 |")
        results = run["results"]
        small = results["GetCallData (20 history, 5 contacts)"][TABLE_AT][0]
        large = results["GetCallData (500 history)"][TABLE_AT][0]
        if run.get("own_floor"):
            sizes = ", ".join(f"{op} {size / 1000:.1f} KB"
                              for op, (_, size) in run["own_floor"].items())
            lines += ["", "Own-bytes ratio: requests/s against a floor that answers the "
                      "operation's own response, byte for byte, instead of GetCallData (20)'s "
                      f"(median of {OWN_FLOOR_ROUNDS} paired runs at {TABLE_AT} connections; "
                      f"responses: {sizes}). The targets "
                      "are judged on the ratio column."]
        lines += ["", f"- GetCallData with 500 entries costs {small.rps / large.rps:.1f}× one with 20 "
                      f"(target ≤ 10×).",
                  "- Time after `serve` starts (migrations included) until: " + ", ".join(
                      f"{k} {v:.2f} s" for k, v in run["startup"].items()) + "."]
        if run.get("auth"):
            shares = ", ".join(f"{k} {a.added / a.request * 100:.1f}% ({a.added * 1e6:.0f} of "
                               f"{a.request * 1e6:.0f} µs) "
                               f"{'✔' if a.added <= a.request / 10 else '✘'}"
                               for k, a in run["auth"].items())
            lines.append("- Authentication's share of a GetCallData request's worker CPU over "
                         "HTTP, what it adds to the request against a server that takes the "
                         "caller as known (`bench.known_caller`; median of 16 paired 1 s runs at "
                         f"2 connections; target ≤ 10%): {shares}.")
        if run.get("write_floor"):
            lines.append(_write_floor(backend, run["write_floor"]))
        for k, v in run["memory"].items():
            lines.append(f"- Peak RSS growth of a worker, {k}: {v} (target ≤ 4×).")
        if run.get("slow_clients"):
            lines.append("- Normal requests (GetCallData (20), 2 connections) with slow clients "
                         "holding connections (`bench.slow_clients`, docs/slow-clients.md): "
                         + "; ".join(f"{k}: {v}" for k, v in run["slow_clients"].items()) + ".")
        if run["exhausted"]:
            lines.append("- SetSolutionAcceptance ran out of fresh calls: later requests were no-ops.")
        lines.append("")
    if "inprocess" in other:
        ip = other["inprocess"]
        names = list(next(iter(ip.values())))
        lines += ["", "In-process CPU per request (SQLite, median µs, WSGI app called directly, no HTTP):",
                  "", "| operation | " + " | ".join(ip) + " |", "|---|" + "---|" * len(ip)]
        for name in names:
            lines.append(f"| {name} | " + " | ".join(f"{ip[k][name]:.0f}" for k in ip) + " |")
        lines.append("")
    if "auth" in other:
        auth = other["auth"]
        added = ", ".join(f"{k} {a.added / a.request * 100:.1f}% "
                          f"({a.added * 1e6:.0f} of {a.request * 1e6:.0f} µs)"
                          for k, a in auth.items())
        inside = ", ".join(f"{k} {a.inside / a.request * 100:.1f}% ({a.inside * 1e6:.0f} µs)"
                           for k, a in auth.items())
        lines.append("- Authentication in-process, against the request's in-process time (no HTTP "
                     f"and no gunicorn, so a smaller whole than a request's CPU): what it adds to "
                     f"the request: {added}; time inside the authentication step, with the "
                     f"versions query every request needs: {inside}.")
    if "zeep" in other:
        lines.append("- zeep start-up: " + ", ".join(f"{k} {v * 1000:.0f} ms"
                                                     for k, v in other["zeep"].items()) + ".")
    return "\n".join(lines) + "\n"


def _write_floor(backend: str, wf) -> str:
    target = _target(backend, "CreateCall")
    above = "" if target is None or wf.ratio >= target else (
        f" The target of {target:g}× is above the write floor itself: no CreateCall can reach it "
        "on this database and machine.")
    return (f"- Write floor (`bench.write_floor`: the floor plus the statements one CreateCall "
            f"sends the database, replayed on the driver alone; median of {wf.rounds} rounds of "
            f"{wf.seconds} s runs at 2 connections): {wf.ratio:.2f}× the floor, "
            f"{wf.cpu_ms:.2f} ms worker CPU a request; CreateCall in the same rounds "
            f"{wf.create_call:.2f}×, {wf.create_call_cpu_ms:.2f} ms: "
            f"{wf.create_call / wf.ratio:.2f} of the write floor.{above}")


def _floor_cpu(results: dict) -> float:
    """The floor's CPU per request: the median over all its runs (they are many)."""
    values = sorted(ref.cpu_ms for by_c in results.values() for _, ref in by_c.values() if ref.cpu_ms)
    return values[len(values) // 2] if values else 0.0


def _cpu_ratio(by_c: dict) -> str:
    """Floor CPU per request over the operation's, over all concurrencies: what the
    throughput ratio would be on an otherwise idle machine with the CPU as the limit."""
    ops = sum(g.cpu_ms * g.requests for g, _ in by_c.values()) / max(sum(g.requests for g, _ in by_c.values()), 1)
    floors = sum(r.cpu_ms * r.requests for _, r in by_c.values()) / max(sum(r.requests for _, r in by_c.values()), 1)
    return f"{floors / ops:.2f}" if ops else "n/a"


def plot(runs: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(runs), figsize=(6.5 * len(runs), 4.5), squeeze=False)
    for ax, (backend, run) in zip(axes[0], runs.items()):
        names = list(run["results"])
        for i, op in enumerate(names + ["floor"]):
            source = run["results"][names[1] if op == "floor" else op]
            pick = 1 if op == "floor" else 0
            p50 = [source[c][pick].p50_ms for c in CONCURRENCY]
            p99 = [source[c][pick].p99_ms for c in CONCURRENCY]
            line, = ax.plot(CONCURRENCY, p50, marker="o", label=op)
            ax.plot(CONCURRENCY, p99, linestyle=":", color=line.get_color())
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(CONCURRENCY, [str(c) for c in CONCURRENCY])
        ax.set_xlabel("connections")
        ax.set_ylabel("latency, ms (solid p50, dotted p99)")
        ax.set_title(f"{backend}: latency against concurrency")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=72)
    plt.close(fig)
