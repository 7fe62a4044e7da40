"""personal calendar feeds: a registration's own secret for /calendar/me/<token>.ics, made when its holder asks
for the feed on the ticket page, replaced or removed from there

Revision ID: a3c9e1f27b40
Revises: 7f040c287179
Create Date: 2026-11-29 07:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3c9e1f27b40'
down_revision = '7f040c287179'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feed_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_registrations_feed_token'), ['feed_token'])


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_registrations_feed_token'), type_='unique')
        batch_op.drop_column('feed_token')
