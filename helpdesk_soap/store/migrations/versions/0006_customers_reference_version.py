"""customers in the reference version

Revision ID: 0006
Revises: 0005
Performance (issue 7): the workers cache customers too (store/cache.py), so
a change to the customers table, by whoever makes it, moves the reference
version as a change to the settings or the statuses does (migration 0005).

"""
from typing import Sequence, Union

from alembic import op


revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

REFERENCE_VERSION = 2
BUMP = f"UPDATE change_counter SET value = value + 1 WHERE id = {REFERENCE_VERSION}"


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':  # the function is migration 0005's
        op.execute("CREATE TRIGGER customers_reference_version AFTER INSERT OR UPDATE OR DELETE "
                   "OR TRUNCATE ON customers FOR EACH STATEMENT "
                   "EXECUTE FUNCTION helpdesk_bump_reference_version()")
    else:
        for event in ('INSERT', 'UPDATE', 'DELETE'):
            op.execute(f"CREATE TRIGGER customers_reference_version_{event.lower()} AFTER {event} "
                       f"ON customers BEGIN {BUMP}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER customers_reference_version ON customers")
    else:
        for event in ('insert', 'update', 'delete'):
            op.execute(f"DROP TRIGGER customers_reference_version_{event}")
