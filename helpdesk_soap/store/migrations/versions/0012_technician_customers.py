"""technician customers, internal calls

Revision ID: 0012
Revises: 0011
Issue 26, completed: which customers each technician is responsible for
(source document 004: "a new call for their customers"), and whether a call
is internal, seen by staff only, or public (source document 003, the status
bar's visibility). Every existing call stays public.

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'technician_customers',
        sa.Column('login_id', BigId, nullable=False),
        sa.Column('customer_id', BigId, nullable=False),
        sa.ForeignKeyConstraint(['login_id'], ['logins.id'], ondelete='CASCADE',
                                name=op.f('fk_technician_customers_login_id_logins')),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ondelete='CASCADE',
                                name=op.f('fk_technician_customers_customer_id_customers')),
        sa.PrimaryKeyConstraint('login_id', 'customer_id', name=op.f('pk_technician_customers')))
    op.create_index(op.f('ix_technician_customers_customer_id'), 'technician_customers',
                    ['customer_id'])
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('internal', sa.Boolean(), nullable=True))
    op.execute("UPDATE calls SET internal = false")
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.alter_column('internal', existing_type=sa.Boolean(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('internal')
    op.drop_index(op.f('ix_technician_customers_customer_id'), 'technician_customers')
    op.drop_table('technician_customers')
