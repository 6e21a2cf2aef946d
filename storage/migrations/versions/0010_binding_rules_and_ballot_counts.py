"""binding rules and ballot counts

Members remember since when they are trusted (who may vote on a binding proposal is fixed
when it opens); a binding proposal remembers whom its trust or removal is about. Secret ballots become a count per distinct ballot, with no row per vote.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 10:00:00.000000
"""

import hashlib
import json
from collections import Counter

import sqlalchemy as sa
from alembic import op

import storage.models


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _canonical(ballot: dict) -> str:  # the same text as storage/polls.py makes
    return json.dumps(ballot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def upgrade() -> None:
    op.add_column('members', sa.Column('trusted_at', storage.models.UTCDateTime(timezone=True),
                                       nullable=True))
    # Columns are added in place, never by batch mode: on SQLite that copies and drops the
    # table, and dropping `polls` or `members` would cascade to every vote and vouch. (So
    # subject_id has no foreign key: SQLite cannot add one in place; storage keeps it.)
    op.add_column('polls', sa.Column('subject_id', sa.Integer(), nullable=True))
    # The trusted so far have been trusted at least since they joined.
    op.execute("UPDATE members SET trusted_at = joined_at WHERE status = 'trusted'")

    counts = op.create_table('ballot_counts',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('ballot', sa.JSON(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_ballot_counts_poll_id_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('poll_id', 'digest', name=op.f('pk_ballot_counts')),
    sqlite_with_rowid=False
    )
    ballots = sa.table('ballots', sa.column('poll_id', sa.Integer()),
                       sa.column('ballot', sa.JSON()))
    tally: Counter[tuple[int, str]] = Counter(
        (row.poll_id, _canonical(row.ballot))
        for row in op.get_bind().execute(sa.select(ballots.c.poll_id, ballots.c.ballot)))
    rows = [{"poll_id": poll_id, "digest": hashlib.sha256(text.encode()).hexdigest(),
             "ballot": json.loads(text), "count": n} for (poll_id, text), n in tally.items()]
    if rows:
        op.bulk_insert(counts, sorted(rows, key=lambda r: (r["poll_id"], r["digest"])))
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballots_poll_id'))
    op.drop_table('ballots')


def downgrade() -> None:
    op.create_table('ballots',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('ballot', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_ballots_poll_id_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_ballots')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballots_poll_id'), ['poll_id'], unique=False)
    ballots = sa.table('ballots', sa.column('key', sa.String()), sa.column('poll_id', sa.Integer()),
                       sa.column('ballot', sa.JSON()))
    counts = sa.table('ballot_counts', sa.column('poll_id', sa.Integer()),
                      sa.column('ballot', sa.JSON()), sa.column('count', sa.Integer()))
    rows = [{"key": hashlib.sha256(f"{row.poll_id}:{n}:{_canonical(row.ballot)}".encode())
             .hexdigest()[:32], "poll_id": row.poll_id, "ballot": row.ballot}
            for row in op.get_bind().execute(sa.select(counts)) for n in range(row.count)]
    if rows:
        op.bulk_insert(ballots, rows)
    op.drop_table('ballot_counts')
    op.execute("ALTER TABLE members DROP COLUMN trusted_at")
    op.execute("ALTER TABLE polls DROP COLUMN subject_id")
