"""staff desk

Revision ID: 0010
Revises: 0007
The staff desk (issue 26): each technician's availability ("available for
requests" or "unavailable", source document 004) and how and of what they are
notified. No row means the defaults: available, by e-mail, of nothing.

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'technician_prefs',
        sa.Column('login_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('available', sa.Boolean(), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('notify_new_call', sa.Boolean(), nullable=False),
        sa.Column('notify_reply', sa.Boolean(), nullable=False),
        sa.Column('notify_solution', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['login_id'], ['logins.id'],
                                name=op.f('fk_technician_prefs_login_id_logins'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('login_id', name=op.f('pk_technician_prefs')),
    )


def downgrade() -> None:
    op.drop_table('technician_prefs')
