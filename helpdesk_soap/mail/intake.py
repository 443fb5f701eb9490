"""Raw messages in, from any source: checked, parsed, handed to the mail service.

What cannot be taken in (too large, unparseable, refused by a rule, or an
unexpected error) is written to the quarantine directory with a reason file
and logged; nothing is half imported, because the service stores a message
in one transaction. Only a store that is unavailable raises (``TemporaryFailure``),
so the source keeps the message and tries again (an MTA pipe exits 75).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..domain.errors import DomainError, StoreUnavailable
from ..services.mail import ingest_mail
from ..services.unit_of_work import UnitOfWork
from .parse import UnparseableMail, parse_message

log = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """The message was neither stored nor quarantined; the source must keep it."""


@dataclass(frozen=True, slots=True)
class IntakeResult:
    #: created, contact, duplicate, ignored or quarantined
    kind: str
    call_id: int | None = None
    reason: str | None = None
    quarantined: Path | None = None


class MailIntake:
    def __init__(self, unit_of_work: Callable[[], UnitOfWork], quarantine_dir: Path, max_bytes: int):
        self.unit_of_work = unit_of_work
        self.quarantine_dir = Path(quarantine_dir)
        self.max_bytes = max_bytes

    def take(self, raw: bytes, envelope_sender: str | None = None) -> IntakeResult:
        if len(raw) > self.max_bytes:
            return self.quarantine(raw, f"oversized: {len(raw)} bytes, limit {self.max_bytes}")
        try:
            mail = parse_message(raw, envelope_sender)
        except UnparseableMail as exc:
            return self.quarantine(raw, f"unparseable: {exc}")
        try:
            with self.unit_of_work() as uow:
                outcome = ingest_mail(uow, mail)
        except StoreUnavailable as exc:
            raise TemporaryFailure("the helpdesk store is unavailable") from exc
        except DomainError as exc:
            return self.quarantine(raw, f"refused: {exc.code}: {exc.message}")
        except Exception as exc:
            log.exception("mail %s could not be taken in", mail.message_id)
            return self.quarantine(raw, f"internal error: {type(exc).__name__}")
        log.info("mail %s from %s: %s%s%s", mail.message_id, mail.sender, outcome.kind,
                 f" call {outcome.call_id}" if outcome.call_id else "",
                 f" ({outcome.reason})" if outcome.reason else "")
        return IntakeResult(outcome.kind, outcome.call_id, outcome.reason)

    def quarantine(self, raw: bytes, reason: str) -> IntakeResult:
        try:
            self.quarantine_dir.mkdir(parents=True, exist_ok=True)
            name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{hashlib.sha256(raw).hexdigest()[:16]}"
            path = self.quarantine_dir / f"{name}.eml"
            _write(path, raw)
            _write(self.quarantine_dir / f"{name}.reason", (reason + "\n").encode())
        except OSError as exc:
            raise TemporaryFailure(f"cannot quarantine ({reason}): {exc}") from exc
        log.warning("mail quarantined as %s: %s", path.name, reason)
        return IntakeResult("quarantined", reason=reason, quarantined=path)


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
