"""mail

Revision ID: 0004
Revises: 0003
E-mail (issue 9): Message-IDs taken in and sent (dedupe, threading), the
notification outbox, one-time login tokens (invitations, password resets),
and a mail domain per customer.

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('mail_messages',
    sa.Column('id', BigId, nullable=False),
    sa.Column('message_id', sa.String(length=500), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('call_id', BigId, nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_mail_messages_call_id_calls'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_messages')),
    sa.UniqueConstraint('message_id', name=op.f('uq_mail_messages_message_id'))
    )
    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_messages_call_id'), ['call_id'], unique=False)

    op.create_table('mail_outbox',
    sa.Column('id', BigId, nullable=False),
    sa.Column('message_id', sa.String(length=500), nullable=False),
    sa.Column('call_id', BigId, nullable=True),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('in_reply_to', sa.String(length=500), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_mail_outbox_call_id_calls'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox')),
    sa.UniqueConstraint('message_id', name=op.f('uq_mail_outbox_message_id'))
    )
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_mail_outbox_state_id', ['state', 'id'], unique=False)

    op.create_table('login_tokens',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.String(length=10), nullable=False),
    sa.Column('login_id', BigId, nullable=True),
    sa.Column('customer_id', BigId, nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_login_tokens_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['login_id'], ['logins.id'], name=op.f('fk_login_tokens_login_id_logins'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_login_tokens'))
    )
    with op.batch_alter_table('login_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_tokens_login_id'), ['login_id'], unique=False)

    # A plain ADD COLUMN and a unique index: a batch rebuild of customers would drop a
    # table that calls and logins reference, which SQLite refuses once they hold rows.
    op.add_column('customers', sa.Column('mail_domain', sa.String(length=253), nullable=True))
    op.create_index('ix_customers_mail_domain', 'customers', ['mail_domain'], unique=True)


def downgrade() -> None:
    op.drop_index('ix_customers_mail_domain', table_name='customers')
    op.drop_column('customers', 'mail_domain')  # SQLite >= 3.35 drops a column in place
    with op.batch_alter_table('login_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_tokens_login_id'))
    op.drop_table('login_tokens')
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_outbox_state_id')
    op.drop_table('mail_outbox')
    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_messages_call_id'))
    op.drop_table('mail_messages')
