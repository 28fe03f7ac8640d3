"""webhook event claims: a worker lease and the unrouted id

Revision ID: f2a0e1923899
Revises: ba0c357a8361
Create Date: 2026-11-23 11:05:25.353509

"""
from alembic import op
import sqlalchemy as sa


revision = 'f2a0e1923899'
down_revision = 'ba0c357a8361'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('webhook_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('route_id', sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table('webhook_event', schema=None) as batch_op:
        batch_op.drop_column('route_id')
        batch_op.drop_column('locked_until')
