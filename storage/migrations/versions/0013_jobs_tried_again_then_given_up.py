"""jobs tried again after a failure, then given up with their reason

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 08:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import storage.models

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('next_attempt_at',
                                      storage.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('failed')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('attempts')
