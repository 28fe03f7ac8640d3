"""Merge the inbox branch of the schema.

Revision ID: 7eb6db11627f
Revises: 77508a0e2139, 97596dcb8386
Create Date: 2026-11-23 12:10:09.582360

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7eb6db11627f'
down_revision = ('77508a0e2139', '97596dcb8386')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
