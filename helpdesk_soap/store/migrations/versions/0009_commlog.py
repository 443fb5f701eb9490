"""communication log

Revision ID: 0009
Revises: 0007 (re-parented onto 0008 at merge)
Issue 28: an administrator switches recording on for a login (or all) for a while;
each request and answer of that login is kept, masked, for the retention period.

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('commlog_switches',
    sa.Column('id', BigId, nullable=False),
    sa.Column('login_id', BigId, nullable=True),
    sa.Column('enabled_by', sa.String(length=200), nullable=False),
    sa.Column('enabled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['login_id'], ['logins.id'], name=op.f('fk_commlog_switches_login_id_logins'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commlog_switches'))
    )
    op.create_index(op.f('ix_commlog_switches_login_id'), 'commlog_switches', ['login_id'], unique=False)
    op.create_table('commlog_entries',
    sa.Column('id', BigId, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('request_id', sa.String(length=128), nullable=False),
    sa.Column('login_id', BigId, nullable=True),
    sa.Column('login_name', sa.String(length=254), nullable=False),
    sa.Column('service', sa.String(length=20), nullable=False),
    sa.Column('operation', sa.String(length=100), nullable=True),
    sa.Column('result', sa.String(length=100), nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=False),
    sa.Column('request', sa.Text(), nullable=False),
    sa.Column('response', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['login_id'], ['logins.id'], name=op.f('fk_commlog_entries_login_id_logins'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commlog_entries'))
    )
    op.create_index(op.f('ix_commlog_entries_at'), 'commlog_entries', ['at'], unique=False)
    op.create_index(op.f('ix_commlog_entries_login_id'), 'commlog_entries', ['login_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_commlog_entries_login_id'), table_name='commlog_entries')
    op.drop_index(op.f('ix_commlog_entries_at'), table_name='commlog_entries')
    op.drop_table('commlog_entries')
    op.drop_index(op.f('ix_commlog_switches_login_id'), table_name='commlog_switches')
    op.drop_table('commlog_switches')
