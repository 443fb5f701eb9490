"""customer workflow

Revision ID: 0003
Revises: 0002
The customer's ticket workflow (issue 8): request-type fields on calls, a
customer-visible change time and a change sequence in commit order (the
GetChangedCalls watermark), the staff's unread flag, attachments and time
records. Existing calls are numbered in id order and keep their last change
time as their customer-visible change time.

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        for name in ('affected_domain', 'browser', 'hosting', 'responsible_user'):
            batch_op.add_column(sa.Column(name, sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('change_seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('staff_unread', sa.Boolean(), nullable=True))
    op.execute("UPDATE calls SET changed_at = updated_at, change_seq = id, staff_unread = false")
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.alter_column('changed_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column('change_seq', existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column('staff_unread', existing_type=sa.Boolean(), nullable=False)
        batch_op.create_index('ix_calls_customer_id_desc', ['customer_id', 'id'], unique=False)
        batch_op.create_index('ix_calls_customer_change_seq', ['customer_id', 'change_seq'], unique=False)
        batch_op.create_index('ix_calls_change_seq', ['change_seq'], unique=False)

    counter = op.create_table(
        'change_counter',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_change_counter')))
    op.bulk_insert(counter, [{'id': 1, 'value': 0}])
    op.execute("UPDATE change_counter SET value = (SELECT COALESCE(MAX(id), 0) FROM calls)")

    op.create_table(
        'call_attachments',
        sa.Column('id', BigId, nullable=False),
        sa.Column('call_id', BigId, nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=200), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('visibility', sa.String(length=20), nullable=False),
        sa.Column('author', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_call_attachments_call_id_calls'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_call_attachments')))
    op.create_index('ix_call_attachments_call_id_id', 'call_attachments', ['call_id', 'id'], unique=False)

    op.create_table(
        'call_time_records',
        sa.Column('id', BigId, nullable=False),
        sa.Column('call_id', BigId, nullable=False),
        sa.Column('login_id', BigId, nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('author', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_call_time_records_call_id_calls'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['login_id'], ['logins.id'], name=op.f('fk_call_time_records_login_id_logins')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_call_time_records')))
    op.create_index('ix_call_time_records_call_id_id', 'call_time_records', ['call_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_call_time_records_call_id_id', table_name='call_time_records')
    op.drop_table('call_time_records')
    op.drop_index('ix_call_attachments_call_id_id', table_name='call_attachments')
    op.drop_table('call_attachments')
    op.drop_table('change_counter')
    op.execute("DELETE FROM settings WHERE key IN ('attachment_max_bytes', "
               "'attachment_content_types', 'enforce_request_types')")
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_index('ix_calls_change_seq')
        batch_op.drop_index('ix_calls_customer_change_seq')
        batch_op.drop_index('ix_calls_customer_id_desc')
        for name in ('staff_unread', 'change_seq', 'changed_at', 'responsible_user', 'hosting',
                     'browser', 'affected_domain'):
            batch_op.drop_column(name)
