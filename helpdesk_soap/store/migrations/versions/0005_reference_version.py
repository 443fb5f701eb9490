"""reference version

Revision ID: 0005
Revises: 0004
Performance (issue 7): a number that changes whenever the settings or the
call statuses do, kept by triggers, so that any writer (the service, the
CLI, an administrator's SQL) invalidates what the workers cache. It lives
in change_counter's second row; the first is the change sequence.

"""
from typing import Sequence, Union

from alembic import op


revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

#: change_counter.id of the reference version (see store/models/counters.py).
REFERENCE_VERSION = 2
TABLES = ('settings', 'call_statuses')
BUMP = f"UPDATE change_counter SET value = value + 1 WHERE id = {REFERENCE_VERSION}"


def upgrade() -> None:
    op.execute(f"INSERT INTO change_counter (id, value) VALUES ({REFERENCE_VERSION}, 1)")
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE FUNCTION helpdesk_bump_reference_version() RETURNS trigger "
                    f"LANGUAGE plpgsql AS $$ BEGIN {BUMP}; RETURN NULL; END $$")
        for table in TABLES:
            op.execute(f"CREATE TRIGGER {table}_reference_version AFTER INSERT OR UPDATE OR DELETE "
                       f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                       "EXECUTE FUNCTION helpdesk_bump_reference_version()")
    else:
        for table in TABLES:
            for event in ('INSERT', 'UPDATE', 'DELETE'):
                op.execute(f"CREATE TRIGGER {table}_reference_version_{event.lower()} AFTER {event} "
                           f"ON {table} BEGIN {BUMP}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_reference_version ON {table}")
        op.execute("DROP FUNCTION helpdesk_bump_reference_version()")
    else:
        for table in TABLES:
            for event in ('insert', 'update', 'delete'):
                op.execute(f"DROP TRIGGER {table}_reference_version_{event}")
    op.execute(f"DELETE FROM change_counter WHERE id = {REFERENCE_VERSION}")
