"""network offers: the sibling groups an offer is posted in besides the offerer's own

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'offer_shares',
        sa.Column('offer_id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], ondelete='CASCADE',
                                name=op.f('fk_offer_shares_offer_id_offers')),
        sa.ForeignKeyConstraint(['group_id'], ['groups.id'], ondelete='CASCADE',
                                name=op.f('fk_offer_shares_group_id_groups')),
        sa.PrimaryKeyConstraint('offer_id', 'group_id', name=op.f('pk_offer_shares')),
    )
    op.create_index(op.f('ix_offer_shares_group_id'), 'offer_shares', ['group_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_offer_shares_group_id'), table_name='offer_shares')
    op.drop_table('offer_shares')
