"""Merge the contacts, campaigns and reports branch of the schema.

Revision ID: 77508a0e2139
Revises: 48dacc688071, bee42a9b2112
Create Date: 2026-11-23 11:51:32.718906

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '77508a0e2139'
down_revision = ('48dacc688071', 'bee42a9b2112')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
