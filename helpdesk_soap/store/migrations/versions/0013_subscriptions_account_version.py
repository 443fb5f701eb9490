"""subscriptions move the account version

Revision ID: 0013
Revises: 0012
Performance (issue 30): every write asks who hears of it, the push listeners it
reaches and the technicians who chose its event. The workers keep those answers
under the reference and account versions (store/cache.py), so whatever changes
them must move a version: the listeners (their login, customer, events and
activity, not the delivery counters the workers stamp), the technicians'
preferences and the customers each technician is named for now move the
account version, as the logins and portals do (migration 0007). The customers
and their organisations already move the reference version (migration 0006).

"""
from typing import Sequence, Union

from alembic import op


revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

#: change_counter.id of the account version (see store/models/counters.py).
ACCOUNT_VERSION = 3
BUMP = f"UPDATE change_counter SET value = value + 1 WHERE id = {ACCOUNT_VERSION}"
#: Table -> the columns whose update moves the version (None: every column).
TABLES = {
    'push_listeners': ('login_id', 'customer_id', 'events', 'active'),
    'technician_prefs': None,
    'technician_customers': None,
}


def _update(columns) -> str:
    return 'UPDATE' if columns is None else f"UPDATE OF {', '.join(columns)}"


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for table, columns in TABLES.items():
        if postgresql:  # the function is migration 0007's
            op.execute(f"CREATE TRIGGER {table}_account_version AFTER INSERT OR "
                       f"{_update(columns)} OR DELETE OR TRUNCATE ON {table} FOR EACH STATEMENT "
                       "EXECUTE FUNCTION helpdesk_bump_account_version()")
            continue
        for event in ('INSERT', _update(columns), 'DELETE'):
            name = event.split()[0].lower()
            op.execute(f"CREATE TRIGGER {table}_account_version_{name} AFTER {event} "
                       f"ON {table} BEGIN {BUMP}; END")


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for table in TABLES:
        if postgresql:
            op.execute(f"DROP TRIGGER {table}_account_version ON {table}")
            continue
        for name in ('insert', 'update', 'delete'):
            op.execute(f"DROP TRIGGER {table}_account_version_{name}")
