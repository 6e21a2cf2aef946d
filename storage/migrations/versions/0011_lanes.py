"""lanes: outbox priorities, messages in parts, addresses, and lanes held by a sender

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.SmallInteger(), server_default='1',
                                      nullable=False))
        batch_op.add_column(sa.Column('part_ids', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('address', sa.String(length=255), nullable=True))
        batch_op.create_index('ix_outbox_lane', ['platform', 'chat_id', 'sent_at', 'id'])
    op.create_table(
        'lanes',
        sa.Column('platform', sa.String(length=20), nullable=False),
        sa.Column('chat_id', sa.String(length=255), nullable=False),
        sa.Column('owner', sa.String(length=64), nullable=True),
        sa.Column('held_until', UTCDateTime(), nullable=True),
        sa.Column('ready_at', UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('platform', 'chat_id', name=op.f('pk_lanes')),
    )


def downgrade() -> None:
    op.drop_table('lanes')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_lane')
        batch_op.drop_column('address')
        batch_op.drop_column('part_ids')
        batch_op.drop_column('priority')
