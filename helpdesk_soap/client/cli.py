"""``helpdesk-soap-client``: the ops command, for scripts, smoke tests and monitoring."""

from __future__ import annotations

import dataclasses
import json
import statistics
import sys
import time
import uuid
from datetime import datetime
from urllib.parse import urlsplit

import click

from .client import HelpdeskClient
from .staff import StaffClient
from .errors import AuthenticationFailed, HelpdeskError


def _timeout(value: str) -> tuple[float, float]:
    try:
        parts = [float(p) for p in value.split(",")]
    except ValueError:
        raise click.BadParameter("give CONNECT,READ seconds, e.g. 5,30") from None
    if len(parts) != 2 or min(parts) <= 0:
        raise click.BadParameter("give CONNECT,READ seconds, e.g. 5,30")
    return parts[0], parts[1]


def _plain(value):
    if dataclasses.is_dataclass(value):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


@click.group()
@click.option("--url", envvar="HELPDESK_URL", help="Service base URL [env HELPDESK_URL].")
@click.option("--login", envvar="HELPDESK_LOGIN", help="[env HELPDESK_LOGIN]")
@click.option("--password", envvar="HELPDESK_PASSWORD", help="[env HELPDESK_PASSWORD]")
@click.option("--timeout", default="5,30", show_default=True, help="CONNECT,READ seconds.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def main(ctx, url, login, password, timeout, as_json):
    """Call the helpdesk's SOAP service from the command line."""
    ctx.obj = {"url": url, "login": login, "password": password, "timeout": _timeout(timeout),
               "json": as_json}


def _http_url(url: str) -> str:
    """Only an http(s) URL: zeep would read a local file for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.UsageError(f"{url!r} is not an http:// or https:// URL")
    return url


def _client(ctx, cls=HelpdeskClient, **kw) -> HelpdeskClient:
    o = ctx.obj
    if not o["url"]:
        raise click.UsageError("no service URL: --url or HELPDESK_URL")
    _http_url(o["url"])
    return cls(o["url"], kw.get("login", o["login"]), kw.get("password", o["password"]),
               timeout=o["timeout"], retries=kw.get("retries", 2))


def _emit(ctx, value) -> None:
    if ctx.obj["json"]:
        click.echo(json.dumps(_plain(value), ensure_ascii=False, indent=2))
    else:
        for key, val in _plain(value).items():
            click.echo(f"{key}: {val}")


@main.command()
@click.option("--customer", required=True, help="CustomerId as the helpdesk knows it.")
@click.option("--subject", required=True)
@click.option("--priority", default="Medium", show_default=True)
@click.option("--category", default="Question", show_default=True,
              type=click.Choice(["Question", "TechnicalSupport", "Improvement"]))
@click.option("--description", required=True)
@click.option("--affected-domain", help="TechnicalSupport: where the fault shows (required there).")
@click.option("--first-occurred", type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"]),
              help="TechnicalSupport: when it first occurred, e.g. 2026-11-23T07:40+0100 (required there).")
@click.option("--responsible-user", help="Improvement: the user responsible (required there).")
@click.option("--external-ticket-id", help="Your ticket number (a retry with it returns the same call).")
@click.pass_context
def create(ctx, customer, subject, priority, category, description, affected_domain, first_occurred,
           responsible_user, external_ticket_id):
    """CreateCall. GetRequestTypes (``request-types``) lists what each category needs."""
    _emit(ctx, _client(ctx).create_call(
        customer, subject, description, priority=priority, category=category,
        affected_domain=affected_domain, first_occurred_at=first_occurred,
        responsible_user=responsible_user, external_ticket_id=external_ticket_id))


@main.command()
@click.argument("call_id", type=int)
@click.pass_context
def get(ctx, call_id):
    """GetCallData."""
    _emit(ctx, _client(ctx).get_call_data(call_id))


@main.command()
@click.argument("call_id", type=int)
@click.option("--comment")
@click.pass_context
def accept(ctx, call_id, comment):
    """SetSolutionAcceptance(Accepted=true)."""
    _emit(ctx, _client(ctx).accept_solution(call_id, comment))


@main.command()
@click.argument("call_id", type=int)
@click.option("--comment")
@click.pass_context
def reject(ctx, call_id, comment):
    """SetSolutionAcceptance(Accepted=false)."""
    _emit(ctx, _client(ctx).reject_solution(call_id, comment))


@main.command()
@click.option("--service", type=click.Choice(["helpdesk", "staff"]), default="helpdesk", show_default=True)
@click.pass_context
def wsdl(ctx, service):
    """Show the operations and their fields."""
    client = _client(ctx, StaffClient if service == "staff" else HelpdeskClient)
    operations = {}
    for svc in client._zeep.wsdl.services.values():
        for port in svc.ports.values():
            for name, op in sorted(port.binding._operations.items()):
                operations[name] = op.input.body.type.signature(schema=client._zeep.wsdl.types)
    if ctx.obj["json"]:
        click.echo(json.dumps(operations, indent=2))
    else:
        for name, signature in operations.items():
            click.echo(f"{name}({signature})")


class _Steps:
    def __init__(self):
        self.rows: list[dict] = []
        self.locking = False  # an authentication fault: more attempts would lock the login

    def run(self, name, fn, check=None):
        started = time.perf_counter()
        try:
            value = fn()
            problem = check(value) if check else None
        except AuthenticationFailed as exc:
            self.locking = True
            value, problem = None, f"{exc} (stopped after one attempt)"
        except HelpdeskError as exc:
            value, problem = None, str(exc)
        except Exception as exc:  # noqa: BLE001 - a smoke test reports, it does not crash
            value, problem = None, f"{type(exc).__name__}: {exc}"
        self.rows.append({"step": name, "ok": problem is None,
                          "ms": round((time.perf_counter() - started) * 1000, 1), "detail": problem or ""})
        return value if problem is None else None


def _smoke_round(url, login, password, customer, staff_login, staff_password, timeout) -> _Steps:
    s = _Steps()
    client = s.run("load WSDL", lambda: HelpdeskClient(url, login, password, timeout=timeout, retries=1))
    if client is None:
        return s
    session = s.run("login", client.login,
                    lambda r: None if customer or r.customer_id else
                    "the login belongs to no customer: give --customer")
    if session is None:
        return s  # nothing more to try with these credentials
    customer = customer or session.customer_id
    ext = f"smoke-{uuid.uuid4()}"
    subject = f"[SMOKE TEST] helpdesk-soap-client {datetime.now().isoformat(timespec='seconds')}"
    created = s.run("create call", lambda: client.create_call(customer, subject, priority="Low",
                                                               category="Question", external_ticket_id=ext,
                                                               description="Automated smoke test; close it."),
                    lambda r: None if r.created and r.customer_known else f"created={r.created} "
                    f"customer_known={r.customer_known} (is --customer right?)")
    if created is None:
        return s
    s.run("read back", lambda: client.get_call_data(created.call_id),
          lambda d: None if d.subject == subject and d.external_ticket_id == ext else "fields differ")
    s.run("retry returns the same call", lambda: client.create_call(customer, subject, external_ticket_id=ext),
          lambda r: None if r.call_id == created.call_id and not r.created else "a second call was created")
    if staff_login:
        staff = s.run("staff: load WSDL", lambda: StaffClient(url, staff_login, staff_password, timeout=timeout))
        if staff is not None and not s.locking:
            s.run("staff: propose solution", lambda: staff.propose_solution(created.call_id, "Smoke test solution"))
            s.run("accept solution", lambda: client.accept_solution(created.call_id, "smoke test"),
                  lambda r: None if r.solution_state == "Accepted" else f"state {r.solution_state}")
    s.run("logout", client.logout)
    return s


@main.command()
@click.argument("url", required=False)
@click.option("--customer", envvar="HELPDESK_CUSTOMER_ID",
              help="CustomerId to file the test call for [env HELPDESK_CUSTOMER_ID; default: "
                   "the login's own customer].")
@click.option("--staff-login", envvar="HELPDESK_STAFF_LOGIN", help="Also propose and accept a solution.")
@click.option("--staff-password", envvar="HELPDESK_STAFF_PASSWORD")
@click.option("--repeat", type=click.IntRange(1), default=1, show_default=True)
@click.pass_context
def smoke(ctx, url, customer, staff_login, staff_password, repeat):
    """Log in, create a marked test call, read it back and check it; with staff credentials,
    propose a solution and accept it. Exits 1 if any step fails."""
    o = ctx.obj
    url = url or o["url"]
    if not url or not o["login"]:
        raise click.UsageError("need a URL and --login/--password (or HELPDESK_URL, _LOGIN, _PASSWORD)")
    _http_url(url)
    rounds, locking = [], False
    with click.progressbar(range(repeat), label="smoke", file=sys.stderr,
                           show_pos=True) if repeat > 1 else _Once() as bar:
        for _ in bar:
            steps = _smoke_round(url, o["login"], o["password"], customer, staff_login,
                                 staff_password, o["timeout"])
            rounds.append(steps.rows)
            if steps.locking:  # never a second failed attempt in one run
                locking = True
                break
    summary = _summarise(rounds)
    failed = any(not row["ok"] for rows in rounds for row in rows)
    if o["json"]:
        click.echo(json.dumps({"ok": not failed, "rounds": len(rounds), "steps": summary}, indent=2))
    else:
        click.echo(f"{'step':32} {'result':6} {'ok/runs':>8} {'p50 ms':>8} {'max ms':>8}  detail")
        for row in summary:
            click.echo(f"{row['step']:32} {'PASS' if row['failed'] == 0 else 'FAIL':6} "
                       f"{row['runs'] - row['failed']:>4}/{row['runs']:<3} {row['p50_ms']:>8} "
                       f"{row['max_ms']:>8}  {row['detail']}")
        click.echo("smoke test " + ("FAILED" if failed else "passed"))
    if locking:
        click.echo("Authentication failed: smoke stopped after one attempt. Check the login and "
                   "password first: every further run with them is another failed login, and a few "
                   "in a row (lockout_threshold, 5 by default) lock the login.", err=True)
    sys.exit(1 if failed else 0)


class _Once:
    def __enter__(self):
        return range(1)

    def __exit__(self, *exc):
        return False


def _summarise(rounds: list[list[dict]]) -> list[dict]:
    steps: dict[str, list[dict]] = {}
    for rows in rounds:
        for row in rows:
            steps.setdefault(row["step"], []).append(row)
    out = []
    for name, rows in steps.items():
        times = [r["ms"] for r in rows]
        failures = [r for r in rows if not r["ok"]]
        out.append({"step": name, "runs": len(rows), "failed": len(failures),
                    "p50_ms": round(statistics.median(times), 1), "max_ms": max(times),
                    "detail": failures[-1]["detail"] if failures else ""})
    return out


def run() -> None:
    try:
        main.main(prog_name="helpdesk-soap-client", standalone_mode=False)
    except click.UsageError as exc:
        click.echo(f"Error: {exc.format_message()}", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        click.echo(f"Error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except HelpdeskError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except click.Abort:
        sys.exit(1)
