"""The application factory: a Config in, a WSGI application out.

Nothing is created at import time. Each gunicorn worker calls ``create_app``
after it forks, so it owns its engine and connection pool.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from typing import Callable

from spyne import Application
from spyne.server.wsgi import WsgiApplication
from sqlalchemy.orm import Session, sessionmaker

from ..config import Config
from ..domain.model import Principal, Role
from ..ops.facts import note_call
from ..security import PasswordVerifier
from ..services import auth
from ..services.unit_of_work import UnitOfWork
from ..store.cache import ReferenceCache
from ..store.repositories import CallContentCache
from .answers import AnswerCache
from ..store.engine import after_responses, make_engine, make_session_factory, stop_checkpoints
from ..store.files import FileStore
from ..store.fast import IdleConnections, idle_connections
from ..store.unit_of_work import SqlUnitOfWork
from .contract import build_wsdl
from .fastpath import FastPath
from .faults import HelpdeskSoap11, to_fault
from .listener_service import ListenerService
from .service import HelpdeskService
from .staff_service import StaffService
from .types import TNS
from .wsgi import Endpoint, Gateway
from .wsse import username_token


@dataclass
class Runtime:
    """What a request needs from the process: the store and the credential cache."""

    session_factory: sessionmaker[Session]
    verifier: PasswordVerifier
    replica_session_factory: sessionmaker[Session] | None = None
    files: FileStore | None = None
    #: The worker's settings and statuses, as of the last reference version seen
    #: (see store/cache.py).
    reference_cache: ReferenceCache | None = None
    #: Calls' entries and attachments (store), and GetCallData's answers (answers.py), as
    #: of each call's last version seen; None: kept by no one.
    call_contents: CallContentCache | None = None
    answers: AnswerCache | None = None
    #: Connections kept between requests (store/session.py).
    idle: IdleConnections | None = None
    #: The service's own public URL: where links start when web_base_url is empty.
    public_url: str = ""
    #: What to release when the worker stops (the engines, their pools).
    close: Callable[[], None] | None = None
    #: Upkeep after each response (a SQLite file's checkpoint), or None.
    after_response: Callable[[], None] | None = None
    #: Networks push callbacks may point into despite being private (push/urls.py).
    push_allow_networks: tuple = ()

    def unit_of_work(self) -> UnitOfWork:
        return SqlUnitOfWork(self.session_factory, self.files, self.reference_cache, self.call_contents,
                             self.idle)

    def replica_unit_of_work(self) -> UnitOfWork | None:
        if self.replica_session_factory is None:
            return None
        return SqlUnitOfWork(self.replica_session_factory, self.files)


@dataclass
class RequestScope:
    uow: UnitOfWork
    principal: Principal | None = None
    #: The read replica's unit of work, or None; only for reads that tolerate it.
    replica: UnitOfWork | None = None
    #: The session token the request came with, if it used one.
    token: str | None = None
    #: Runtime.public_url.
    public_url: str = ""
    #: Runtime.answers.
    answers: AnswerCache | None = None


#: Operations that carry their own credentials in the body.
#: ActivateLogin and RequestPasswordReset are for people who cannot log in yet.
PUBLIC_OPERATIONS = frozenset({"Login", "ActivateLogin", "RequestPasswordReset"})


class GatewayApplication(Application):
    """Wraps every operation: authenticate, check the role (and the portal), one unit of
    work, and faults in one place."""

    def __init__(self, services, runtime: Runtime | None, roles: tuple[Role, ...],
                 check_portal: bool, **kwargs):
        self.runtime = runtime
        self.roles = roles
        self.check_portal = check_portal
        super().__init__(services, **kwargs)

    def call_wrapper(self, ctx):
        scope = failure = None
        try:
            with ExitStack() as stack:
                scope = RequestScope(stack.enter_context(self.runtime.unit_of_work()),
                                     public_url=self.runtime.public_url,
                                     answers=self.runtime.answers)
                if ctx.descriptor.name not in PUBLIC_OPERATIONS:
                    self._authenticate(ctx, scope)
                replica = self.runtime.replica_unit_of_work()
                if replica is not None:  # a session connects only when first used
                    scope.replica = stack.enter_context(replica)
                ctx.udc = scope
                return super().call_wrapper(ctx)
        except Exception as exc:
            failure = exc
            raise to_fault(exc) from None
        finally:
            ctx.udc = None
            note_call(ctx, scope, failure)  # ops: facts for the request log and metrics

    def _authenticate(self, ctx, scope: RequestScope) -> None:
        header = ctx.in_header
        if header is not None and getattr(header, "Token", None):
            scope.token = header.Token
            scope.principal = auth.authenticate_session(scope.uow, header.Token)
        else:
            username, password = username_token(ctx.in_header_doc)
            scope.principal = auth.authenticate(scope.uow, self.runtime.verifier, username, password)
        auth.require_role(scope.principal, *self.roles)
        if self.check_portal:
            auth.check_portal(scope.uow, scope.principal)


CUSTOMER_SIDE = (Role.CUSTOMER, Role.INTEGRATION)
STAFF_SIDE = (Role.STAFF, Role.ADMIN)


def applications(runtime: Runtime | None) -> dict[str, GatewayApplication]:
    """The Spyne application behind each path."""
    def make(service, name, roles, portal):
        services = service if isinstance(service, list) else [service]
        return GatewayApplication(services, runtime, roles, portal, tns=TNS,
                                  name=name,
                                  in_protocol=HelpdeskSoap11(validator="lxml", huge_tree=True),
                                  out_protocol=HelpdeskSoap11())

    return {"/helpdesk": make([HelpdeskService, ListenerService], "Helpdesk", CUSTOMER_SIDE, True),
            "/staff": make(StaffService, "Staff", STAFF_SIDE, False)}


#: Operations served by the fast codec (fastpath.py), per path; the rest go through Spyne.
FAST_OPERATIONS = {"/helpdesk": ("Login", "Logout", "CreateCall", "GetCallData",
                                 "SetSolutionAcceptance")}


def _endpoint(application: GatewayApplication, fast: tuple[str, ...] = ()) -> Endpoint:
    # Wrapping in the WSGI server first matters: it sets the binding's HTTP
    # transport, which a bare Application publishes as "noconn://null.spyne".
    server = WsgiApplication(application)
    operations = frozenset(name for service in application.services for name in service.public_methods)
    return Endpoint(server, build_wsdl(application), operations,
                    FastPath(application, fast) if fast else None)


def contract_documents() -> dict[str, bytes]:
    """The WSDL of each endpoint, keyed by path; needs no database."""
    return {path: _endpoint(app).wsdl for path, app in applications(None).items()}


def make_runtime(config: Config) -> Runtime:
    """What a worker's requests share, SOAP and web alike: engines, pools, caches."""
    pool = dict(pool_size=config.db_pool_size, max_overflow=config.db_max_overflow,
                pool_recycle=config.db_pool_recycle, busy_timeout_ms=config.sqlite_busy_timeout_ms,
                checkpoint_every=config.sqlite_checkpoint_every, fast_path=config.store_fast)
    engines = [make_engine(config.database_url, **pool)]
    budget = config.call_cache_mb << 20  # half for the calls' content, half for the answers
    if config.database_replica_url:
        engines.append(make_engine(config.database_replica_url, **pool))
    runtime = Runtime(make_session_factory(engines[0]),
                      PasswordVerifier(ttl=config.auth_cache_seconds),
                      make_session_factory(engines[1]) if len(engines) > 1 else None,
                      FileStore(config.attachment_root),
                      ReferenceCache(),
                      CallContentCache(budget // 2) if budget else None,
                      AnswerCache(budget // 2) if budget else None,
                      idle_connections(engines[0], recycle=config.db_pool_recycle),
                      public_url=config.own_url,
                      push_allow_networks=config.push.allow_networks)

    def close() -> None:
        if runtime.idle is not None:
            runtime.idle.close()
        for engine in engines:
            stop_checkpoints(engine)
            engine.dispose()

    runtime.close = close
    runtime.after_response = after_responses(engines[0])
    return runtime


def create_app(config: Config, fast: bool = True, runtime: Runtime | None = None) -> Gateway:
    """The gateway; ``fast=False`` serves every operation through Spyne alone (for tests
    that compare the two, and to measure the difference). Given a ``runtime``, the gateway
    shares it (and the caller closes it); otherwise it makes its own and closes it."""
    owned = runtime is None
    runtime = runtime or make_runtime(config)
    return Gateway({path: _endpoint(app, FAST_OPERATIONS.get(path, ()) if fast else ())
                    for path, app in applications(runtime).items()},
                   max_request_bytes=config.max_request_bytes,
                   on_close=runtime.close if owned else None, files=runtime.files,
                   after_response=runtime.after_response)
