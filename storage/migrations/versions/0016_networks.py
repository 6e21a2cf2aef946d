"""networks: groups that each agreed to work together, and each network's join code

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'networks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('name_key', sa.String(length=100), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_networks')),
        sa.UniqueConstraint('name_key', name=op.f('uq_networks_name_key')),
    )
    op.create_table(
        'network_groups',
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('network_id', sa.Integer(), nullable=False),
        sa.Column('joined_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['groups.id'], ondelete='CASCADE',
                                name=op.f('fk_network_groups_group_id_groups')),
        sa.ForeignKeyConstraint(['network_id'], ['networks.id'], ondelete='CASCADE',
                                name=op.f('fk_network_groups_network_id_networks')),
        sa.PrimaryKeyConstraint('group_id', name=op.f('pk_network_groups')),
    )
    op.create_index(op.f('ix_network_groups_network_id'), 'network_groups', ['network_id'])
    op.create_table(
        'network_codes',
        sa.Column('network_id', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['network_id'], ['networks.id'], ondelete='CASCADE',
                                name=op.f('fk_network_codes_network_id_networks')),
        sa.PrimaryKeyConstraint('network_id', name=op.f('pk_network_codes')),
        sa.UniqueConstraint('digest', name=op.f('uq_network_codes_digest')),
    )


def downgrade() -> None:
    op.drop_table('network_codes')
    op.drop_index(op.f('ix_network_groups_network_id'), table_name='network_groups')
    op.drop_table('network_groups')
    op.drop_table('networks')
