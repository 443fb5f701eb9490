"""The committed mail corpus and the real mail intake on the test's store (fixtures)."""

from __future__ import annotations

import pytest

from helpdesk_soap.mail.intake import MailIntake
from helpdesk_soap.services import admin
from helpdesk_soap.store.engine import make_session_factory
from helpdesk_soap.store.files import FileStore
from helpdesk_soap.store.unit_of_work import SqlUnitOfWork
from tests.mail_corpus.generate import HERE as CORPUS

MAX_BYTES = 25 * 1024 * 1024


def corpus(name: str, **fill: str) -> bytes:
    raw = (CORPUS / name).read_bytes()
    for key, value in fill.items():
        raw = raw.replace(f"__{key.upper()}__".encode(), value.encode())
    return raw


@pytest.fixture
def files(tmp_path):
    return FileStore(tmp_path / "files")


@pytest.fixture
def intake(engine, uow_factory, seeded, tmp_path, files):
    with uow_factory() as uow:
        admin.set_customer_mail_domain(uow, "ACME", "acme.example")
        admin.add_login(uow, "globex-ops", "GLOBEX", "globex-password", email="Ops@Globex.example")
    factory = make_session_factory(engine)
    return MailIntake(lambda: SqlUnitOfWork(factory, files), tmp_path / "quarantine", MAX_BYTES)
