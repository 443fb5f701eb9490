"""The SQLAlchemy unit of work: one store session (session.py), rolled back unless committed."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..domain.errors import StoreUnavailable
from ..domain.errors import Conflict
from .cache import (CachedCustomers, CachedDesk, CachedLogins, CachedPush, CachedSettings,
                    CachedStatuses, ReferenceCache)
from .files import FileStore
from .fast import IdleConnections
from .session import StoreSession
from .repositories import (AdminRepository, AssignmentRepository, AttachmentRepository,
                           CachedRequestTypes, CallRepository, CommlogRepository,
                           CustomerRepository, DeskRepository, LoginRepository, MailRepository,
                           OrganisationRepository, PortalRepository, PushRepository,
                           RequestTypeRepository, SessionRepository, SettingsRepository,
                           StatusRepository, TimeRecordRepository, TokenRepository,
                           forget_reference_version, reference_version, versions)
from .repositories.contents import CallContentCache, ContentRepository


class SqlUnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session], files: FileStore | None = None,
                 cache: ReferenceCache | None = None, contents: CallContentCache | None = None,
                 idle: IdleConnections | None = None):
        self._factory = session_factory
        self._idle = idle
        #: Where attachment contents live; None where no attachments are handled.
        self.files = files
        self._cache = cache
        self._contents = contents
        self.session: StoreSession | None = None
        self._writing = self._ended = False
        self._writer_lock = None

    def __enter__(self) -> SqlUnitOfWork:
        self.session = session = StoreSession(self._factory, self._idle)
        self.calls = CallRepository(session)
        self.customers = CustomerRepository(session)
        self.statuses = StatusRepository(session)
        self.logins = LoginRepository(session)
        self.settings = SettingsRepository(session)
        self.sessions = SessionRepository(session)
        self.organisations = OrganisationRepository(session)
        self.portals = PortalRepository(session)
        self.assignments = AssignmentRepository(session)
        self.mail = MailRepository(session)
        self.tokens = TokenRepository(session)
        self.attachments = AttachmentRepository(session)
        self.time_records = TimeRecordRepository(session)
        self.contents = ContentRepository(self.calls, self.attachments, self._contents,
                                          lambda: self._writing)
        self.request_types = RequestTypeRepository(session)
        self.commlog = CommlogRepository(session)  # the communication log (issue 28)
        self.push = PushRepository(session)
        self.desk = DeskRepository(session)  # the staff desk's queries (issue 26)
        self.admin = AdminRepository(session, self._admin_changed)  # and the admin pages'
        self._reference_changed = False
        if self._cache is not None:
            version = lambda: reference_version(session)  # noqa: E731
            bypass = lambda: self._reference_changed  # noqa: E731
            args = (self._cache, version, self._reference_change, bypass)
            self.settings = CachedSettings(self.settings, *args)
            self.statuses = CachedStatuses(self.statuses, *args)
            self.request_types = CachedRequestTypes(self.request_types, *args)
            self.customers = CachedCustomers(self.customers, *args)
            self.logins = CachedLogins(self.logins, self._cache, lambda: versions(session),
                                       lambda: self._writing or self._ended)
            audiences = (self._cache, lambda: versions(session), self._reference_change, bypass)
            self.push = CachedPush(self.push, *audiences)  # who hears of a write
            self.desk = CachedDesk(self.desk, *audiences)
        self._writing = self._ended = False
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self.session.close()  # rolls back whatever was not committed
        except DBAPIError:
            pass  # the connection is already gone; closing discarded it
        finally:
            self.session = None
            self._release()
        if isinstance(exc, (OperationalError, DBAPIError)) and _is_unavailable(exc):
            raise StoreUnavailable() from exc

    def _admin_changed(self) -> None:
        """The admin pages changed reference data: as a cached repository's change does."""
        if self._cache is not None:
            self._cache.clear()
            self._reference_change()

    def _reference_change(self) -> None:
        """This transaction changed reference data (store/cache.py): until it ends, the
        cached repositories read the database, and the version is read again after."""
        self._reference_changed = True
        forget_reference_version(self.session)

    def begin_write(self) -> None:
        if self._writing:
            return
        # The reads so far (authentication) ran in a transaction of their own; the writing
        # one continues on the same connection without a trip through the pool. On SQLite
        # begin_writing swaps the read snapshot for BEGIN IMMEDIATE, so the write lock is
        # taken before the first read of this use case; on PostgreSQL (read committed, rows
        # locked FOR UPDATE) every statement reads the latest committed data anyway. Rows
        # the ORM loaded before are read again (StoreSession.begin_writing).
        self._writer_lock = self.session.begin_writing()
        self._writing = self.calls.lock_reads = True

    def commit(self) -> None:
        try:
            self.session.commit()
        except IntegrityError as exc:
            self.session.rollback()
            raise Conflict(str(exc.orig)) from exc
        finally:
            self._release()

    def rollback(self) -> None:
        try:
            self.session.rollback()
        finally:
            self._release()

    def _release(self) -> None:
        if self.session is not None and self._reference_changed:
            forget_reference_version(self.session)  # whatever was read of it in that transaction
        self._writing = self.calls.lock_reads = self._reference_changed = False
        self._ended = True  # a transaction ended: what was read before may have changed since
        if self._writer_lock is not None:
            self._writer_lock.release()
            self._writer_lock = None


def _is_unavailable(exc: DBAPIError) -> bool:
    if isinstance(exc, OperationalError) or exc.connection_invalidated:
        return True
    return False
