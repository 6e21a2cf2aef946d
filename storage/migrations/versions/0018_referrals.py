"""referrals: a request nobody in its group took may be offered to its network's groups

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-08 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = '0018'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('refer', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_column('refer')
