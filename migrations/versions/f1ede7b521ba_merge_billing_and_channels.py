"""Merge the billing and channels branches of the schema.

Revision ID: f1ede7b521ba
Revises: d7cbf737e7e5, f2a0e1923899
Create Date: 2026-11-23 11:25:59.370093

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1ede7b521ba'
down_revision = ('d7cbf737e7e5', 'f2a0e1923899')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
