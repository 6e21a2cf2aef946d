"""indexes for pending work: unsent outbox rows by chat, pending jobs by what they are
for, open polls by group

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 12:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

UNSENT = sa.text("sent_at IS NULL AND failed IS NULL")
PENDING = sa.text("done_at IS NULL")
OPEN = sa.text("state = 'open'")


def upgrade() -> None:
    op.create_index('ix_outbox_unsent', 'outbox', ['platform', 'chat_id', 'id'],
                    sqlite_where=UNSENT, postgresql_where=UNSENT)
    op.create_index('ix_jobs_of', 'jobs', ['kind', 'ref_id'],
                    sqlite_where=PENDING, postgresql_where=PENDING)
    op.create_index('ix_polls_open', 'polls', ['group_id'],
                    sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade() -> None:
    op.drop_index('ix_polls_open', 'polls')
    op.drop_index('ix_jobs_of', 'jobs')
    op.drop_index('ix_outbox_unsent', 'outbox')
