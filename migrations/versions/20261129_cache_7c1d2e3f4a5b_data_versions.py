"""data versions: a token per kind of data, changed with every write, for cached fragments

Revision ID: 7c1d2e3f4a5b
Revises: 5e4a1c2b9d07
Create Date: 2026-11-29 12:00:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "7c1d2e3f4a5b"
down_revision = "5e4a1c2b9d07"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "data_versions",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_versions")),
    )
    op.bulk_insert(table, [{"name": "public", "version": secrets.randbits(62)}])


def downgrade():
    op.drop_table("data_versions")
