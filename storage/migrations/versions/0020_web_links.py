"""web links: private links to a group's week page and a person's calendar feed, as digests

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-10 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'web_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=True),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['groups.id'], ondelete='CASCADE',
                                name=op.f('fk_web_links_group_id_groups')),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='CASCADE',
                                name=op.f('fk_web_links_person_id_people')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_web_links')),
        sa.UniqueConstraint('digest', name=op.f('uq_web_links_digest')),
    )
    op.create_index(op.f('ix_web_links_group_id'), 'web_links', ['group_id'])
    op.create_index(op.f('ix_web_links_person_id'), 'web_links', ['person_id'])
    # One live link a person, kind and group; NULL groups (feeds) made equal.
    op.create_index(
        'uq_web_links_owner',
        'web_links',
        ['kind', 'person_id', sa.text('coalesce(group_id, 0)')],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index('uq_web_links_owner', table_name='web_links')
    op.drop_index(op.f('ix_web_links_person_id'), table_name='web_links')
    op.drop_index(op.f('ix_web_links_group_id'), table_name='web_links')
    op.drop_table('web_links')
