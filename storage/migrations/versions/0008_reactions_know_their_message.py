"""reactions know the message whose button they pressed

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 23:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A reaction recorded before this knows no message: taking it back undoes nothing.
    with op.batch_alter_table('reactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.String(length=255), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('reactions', schema=None) as batch_op:
        batch_op.alter_column('message_id', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('reactions', schema=None) as batch_op:
        batch_op.drop_column('message_id')
