"""request types

Revision ID: 0008
Revises: 0007
Request types are configuration, not code (issue 29): the fields each category
of call asks for, required or optional, with their labels and maximum lengths,
are stored so that admins can change them. Seeded with the set that was built
in before (source document 002), so nothing changes on upgrade. Like the other
reference data, every change moves the reference version (migrations 0005,
0006), whoever makes it: the workers' caches see it at once.

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

REFERENCE_VERSION = 2
BUMP = f"UPDATE change_counter SET value = value + 1 WHERE id = {REFERENCE_VERSION}"

#: The set built into domain/request_types.py before this migration, as it was then.
_COMMON = [('Subject', True, 'Summary', 200),
           ('Description', True, 'Description', 65536),
           ('Priority', True, 'Priority (Low to Blocker)', None)]
SEED = {
    'Question': _COMMON,
    'TechnicalSupport': _COMMON + [
        ('AffectedDomain', True, 'Domain where the problem occurs', 200),
        ('FirstOccurredAt', True, 'Date and time the problem first occurred (an estimate will do)', None),
        ('Browser', False, 'Browser(s) showing the problem', 200),
        ('Hosting', False, 'Hosting variant in use', 200),
        ('Components', False, 'Affected components', 100)],
    'Improvement': _COMMON + [
        ('ResponsibleUser', True, 'User responsible for the suggestion', 200)],
}


def upgrade() -> None:
    table = op.create_table('request_type_fields',
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('max_length', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('category', 'name', name=op.f('pk_request_type_fields'))
    )
    op.bulk_insert(table, [
        {'category': category, 'name': name, 'position': position, 'required': required,
         'label': label, 'max_length': max_length}
        for category, fields in SEED.items()
        for position, (name, required, label, max_length) in enumerate(fields, 1)])
    if op.get_bind().dialect.name == 'postgresql':  # the function is migration 0005's
        op.execute("CREATE TRIGGER request_type_fields_reference_version AFTER INSERT OR UPDATE "
                   "OR DELETE OR TRUNCATE ON request_type_fields FOR EACH STATEMENT "
                   "EXECUTE FUNCTION helpdesk_bump_reference_version()")
    else:
        for event in ('INSERT', 'UPDATE', 'DELETE'):
            op.execute(f"CREATE TRIGGER request_type_fields_reference_version_{event.lower()} "
                       f"AFTER {event} ON request_type_fields BEGIN {BUMP}; END")


def downgrade() -> None:
    # Dropping the table drops its triggers on both backends.
    op.drop_table('request_type_fields')
