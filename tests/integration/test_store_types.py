"""The store's column types against a real SQLite file: dates come out aware, in UTC,
whatever text a row holds (SQLAlchemy's, or an administrator's plain SQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select, text

from helpdesk_soap.store.models import UTCDateTime

TEXTS = {
    "2026-11-24 16:00:00.123456": datetime(2026, 11, 24, 16, 0, 0, 123456, UTC),  # SQLAlchemy's
    "2026-11-24 16:00:00": datetime(2026, 11, 24, 16, 0, tzinfo=UTC),
    "2026-11-24T16:00:00.5": datetime(2026, 11, 24, 16, 0, 0, 500000, UTC),
    "2026-11-24 16:00:00.123456+01:00": datetime(2026, 11, 24, 15, 0, 0, 123456, UTC),
    "2026-11-24 16:00:00-08:30": datetime(2026, 11, 25, 0, 30, tzinfo=UTC),
    "2026-11-24 16:00:00Z": datetime(2026, 11, 24, 16, 0, tzinfo=UTC),
    "2026-11-24": datetime(2026, 11, 24, tzinfo=UTC),  # "+00:00" appended would read as a time
}


@pytest.fixture
def dates(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'types.sqlite3'}")
    table = Table("dates", MetaData(), Column("id", Integer, primary_key=True),
                  Column("at", UTCDateTime()))
    table.create(engine)
    yield engine, table
    engine.dispose()


def test_utc_datetimes_read_from_any_iso_text_a_row_holds(dates):
    engine, table = dates
    with engine.begin() as connection:
        for i, stored in enumerate([*TEXTS, None]):
            connection.execute(text("INSERT INTO dates (id, at) VALUES (:id, :at)"),
                               {"id": i, "at": stored})
        read = connection.execute(select(table.c.at).order_by(table.c.id)).scalars().all()
    assert read == [*TEXTS.values(), None]
    assert all(value.tzinfo is UTC for value in read[:-1])


def test_utc_datetimes_round_trip_and_refuse_naive_ones(dates):
    engine, table = dates
    at = datetime(2026, 11, 24, 16, 0, 0, 1, UTC)
    with engine.begin() as connection:
        connection.execute(insert(table), {"id": 1, "at": at})
        stored = connection.execute(text("SELECT at FROM dates")).scalar()
        assert stored == "2026-11-24 16:00:00.000001"
        assert connection.execute(select(table.c.at)).scalar() == at
        with pytest.raises(Exception, match="naive datetime"):
            connection.execute(insert(table), {"id": 2, "at": datetime(2026, 11, 24)})


def test_text_that_is_no_date_is_refused(dates):
    engine, table = dates
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO dates (id, at) VALUES (1, 'yesterday')"))
        with pytest.raises(ValueError):
            connection.execute(select(table.c.at)).scalar()
