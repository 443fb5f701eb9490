"""account version

Revision ID: 0007
Revises: 0006
Performance (issue 7): the workers cache logins (store/cache.py), so a change
to the logins or the portals, by whoever makes it (a password change, a
lockout, an administrator's SQL), moves a number of its own, as a change to
the reference data moves the reference version (migrations 0005, 0006). It
lives in change_counter's third row. The sessions are not cached and have no
trigger: every request still reads its session.

"""
from typing import Sequence, Union

from alembic import op


revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

#: change_counter.id of the account version (see store/models/counters.py).
ACCOUNT_VERSION = 3
TABLES = ('logins', 'portals')
BUMP = f"UPDATE change_counter SET value = value + 1 WHERE id = {ACCOUNT_VERSION}"


def upgrade() -> None:
    op.execute(f"INSERT INTO change_counter (id, value) VALUES ({ACCOUNT_VERSION}, 1)")
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE FUNCTION helpdesk_bump_account_version() RETURNS trigger "
                   f"LANGUAGE plpgsql AS $$ BEGIN {BUMP}; RETURN NULL; END $$")
        for table in TABLES:
            op.execute(f"CREATE TRIGGER {table}_account_version AFTER INSERT OR UPDATE OR DELETE "
                       f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                       "EXECUTE FUNCTION helpdesk_bump_account_version()")
    else:
        for table in TABLES:
            for event in ('INSERT', 'UPDATE', 'DELETE'):
                op.execute(f"CREATE TRIGGER {table}_account_version_{event.lower()} AFTER {event} "
                           f"ON {table} BEGIN {BUMP}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_account_version ON {table}")
        op.execute("DROP FUNCTION helpdesk_bump_account_version()")
    else:
        for table in TABLES:
            for event in ('insert', 'update', 'delete'):
                op.execute(f"DROP TRIGGER {table}_account_version_{event}")
    op.execute(f"DELETE FROM change_counter WHERE id = {ACCOUNT_VERSION}")
