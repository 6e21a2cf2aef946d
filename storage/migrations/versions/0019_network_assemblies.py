"""network assemblies: a poll voted by every group of a network

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-09 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('network_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_polls_network_id'), ['network_id'])
        batch_op.create_foreign_key(
            batch_op.f('fk_polls_network_id_networks'), 'networks', ['network_id'],
            ['id'], ondelete='SET NULL',
        )


def downgrade() -> None:
    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_polls_network_id_networks'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_polls_network_id'))
        batch_op.drop_column('network_id')
