"""push: listeners, events and deliveries

Revision ID: 0011
Revises: 0007
Issue 27: customer systems register listeners; every customer-visible change
writes its events (and one delivery per listener that wants it) in the
change's own transaction, and the delivery worker sends them.

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
UTCDateTime = lambda: sa.DateTime(timezone=True)  # noqa: E731

revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'push_listeners',
        sa.Column('id', BigId, nullable=False),
        sa.Column('login_id', BigId, nullable=False),
        sa.Column('customer_id', BigId, nullable=True),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('format', sa.String(length=4), nullable=False),
        sa.Column('events', sa.String(length=200), nullable=False),
        sa.Column('secret', sa.String(length=100), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('last_success_at', UTCDateTime(), nullable=True),
        sa.Column('last_failure_at', UTCDateTime(), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.Column('consecutive_failures', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['login_id'], ['logins.id'], ondelete='CASCADE',
                                name=op.f('fk_push_listeners_login_id_logins')),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ondelete='CASCADE',
                                name=op.f('fk_push_listeners_customer_id_customers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_push_listeners')))
    op.create_index(op.f('ix_push_listeners_login_id'), 'push_listeners', ['login_id'])
    op.create_index(op.f('ix_push_listeners_customer_id'), 'push_listeners', ['customer_id'])
    op.create_table(
        'push_events',
        sa.Column('id', BigId, nullable=False),
        sa.Column('event_uid', sa.String(length=36), nullable=False),
        sa.Column('call_id', BigId, nullable=False),
        sa.Column('change_seq', sa.BigInteger(), nullable=False),
        sa.Column('type', sa.String(length=30), nullable=False),
        sa.Column('origin_login_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.Text(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['call_id'], ['calls.id'], ondelete='CASCADE',
                                name=op.f('fk_push_events_call_id_calls')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_push_events')),
        sa.UniqueConstraint('event_uid', name=op.f('uq_push_events_event_uid')))
    op.create_index(op.f('ix_push_events_call_id'), 'push_events', ['call_id'])
    op.create_table(
        'push_deliveries',
        sa.Column('id', BigId, nullable=False),
        sa.Column('event_id', BigId, nullable=False),
        sa.Column('listener_id', BigId, nullable=False),
        sa.Column('call_id', BigId, nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', UTCDateTime(), nullable=False),
        sa.Column('claimed_until', UTCDateTime(), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('delivered_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['push_events.id'], ondelete='CASCADE',
                                name=op.f('fk_push_deliveries_event_id_push_events')),
        sa.ForeignKeyConstraint(['listener_id'], ['push_listeners.id'], ondelete='CASCADE',
                                name=op.f('fk_push_deliveries_listener_id_push_listeners')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_push_deliveries')))
    op.create_index(op.f('ix_push_deliveries_event_id'), 'push_deliveries', ['event_id'])
    op.create_index('ix_push_deliveries_pair', 'push_deliveries',
                    ['listener_id', 'call_id', 'state', 'event_id'])
    op.create_index('ix_push_deliveries_due', 'push_deliveries', ['state', 'next_attempt_at'])


def downgrade() -> None:
    op.drop_table('push_deliveries')
    op.drop_table('push_events')
    op.drop_table('push_listeners')
