"""billing accounts and stripe events

Revision ID: d7cbf737e7e5
Revises: ba0c357a8361
Create Date: 2026-11-23 11:00:07.420590

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7cbf737e7e5'
down_revision = 'ba0c357a8361'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('billing_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('plan', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('trial_ends_at', sa.DateTime(), nullable=True),
    sa.Column('stripe_customer_id', sa.String(length=255), nullable=True),
    sa.Column('stripe_subscription_id', sa.String(length=255), nullable=True),
    sa.Column('stripe_price_id', sa.String(length=255), nullable=True),
    sa.Column('current_period_end', sa.DateTime(), nullable=True),
    sa.Column('cancel_at_period_end', sa.Boolean(), nullable=False),
    sa.Column('canceled_at', sa.DateTime(), nullable=True),
    sa.Column('past_due_since', sa.DateTime(), nullable=True),
    sa.Column('state_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_billing_account_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_account')),
    sa.UniqueConstraint('stripe_customer_id', name=op.f('uq_billing_account_stripe_customer_id')),
    sa.UniqueConstraint('workspace_id', name=op.f('uq_billing_account_workspace_id'))
    )
    with op.batch_alter_table('billing_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_account_stripe_subscription_id'), ['stripe_subscription_id'], unique=False)

    op.create_table('stripe_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stripe_id', sa.String(length=255), nullable=False),
    sa.Column('type', sa.String(length=80), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('received', 'processed', 'ignored', 'failed', name='stripeeventstatus', native_enum=False, length=20), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('processed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_stripe_event_workspace_id_workspace'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stripe_event')),
    sa.UniqueConstraint('stripe_id', name=op.f('uq_stripe_event_stripe_id'))
    )
    with op.batch_alter_table('stripe_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stripe_event_workspace_id'), ['workspace_id'], unique=False)



def downgrade():
    with op.batch_alter_table('stripe_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stripe_event_workspace_id'))

    op.drop_table('stripe_event')
    with op.batch_alter_table('billing_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_account_stripe_subscription_id'))

    op.drop_table('billing_account')
