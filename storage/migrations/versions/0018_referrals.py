"""referrals: a request nobody in its group took may be offered to its network's groups

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('refer', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column('helper_group_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_requests_helper_group_id_groups'), 'groups', ['helper_group_id'],
            ['id'], ondelete='SET NULL',
        )
    op.create_table(
        'referrals',
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['request_id'], ['requests.id'], ondelete='CASCADE',
                                name=op.f('fk_referrals_request_id_requests')),
        sa.ForeignKeyConstraint(['group_id'], ['groups.id'], ondelete='CASCADE',
                                name=op.f('fk_referrals_group_id_groups')),
        sa.PrimaryKeyConstraint('request_id', 'group_id', name=op.f('pk_referrals')),
    )
    op.create_index(op.f('ix_referrals_group_id'), 'referrals', ['group_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_referrals_group_id'), table_name='referrals')
    op.drop_table('referrals')
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_requests_helper_group_id_groups'), type_='foreignkey'
        )
        batch_op.drop_column('helper_group_id')
        batch_op.drop_column('refer')
