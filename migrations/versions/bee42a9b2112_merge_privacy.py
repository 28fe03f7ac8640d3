"""Merge the privacy branch of the schema.

Revision ID: bee42a9b2112
Revises: d754cb4a5f18, f1ede7b521ba
Create Date: 2026-11-23 11:32:04.680345

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bee42a9b2112'
down_revision = ('d754cb4a5f18', 'f1ede7b521ba')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
