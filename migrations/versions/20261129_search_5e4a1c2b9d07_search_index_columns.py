"""search indexes carry the code and the other search key

The two locality search indexes become (depth, key, code, other key): results are ordered by key then official code
straight from the index, and each part of a search can leave out rows matched by another part while still counting
from the index alone.

Revision ID: 5e4a1c2b9d07
Revises: e5f57596a79e
Create Date: 2026-11-29 10:00:00

"""

from alembic import op

revision = "5e4a1c2b9d07"
down_revision = "e5f57596a79e"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_localities_depth_search_name", table_name="localities")
    op.drop_index("ix_localities_depth_search_full", table_name="localities")
    op.create_index(
        "ix_localities_depth_search_name", "localities", ["depth", "search_name", "code", "search_full"], unique=False
    )
    op.create_index(
        "ix_localities_depth_search_full", "localities", ["depth", "search_full", "code", "search_name"], unique=False
    )


def downgrade():
    op.drop_index("ix_localities_depth_search_full", table_name="localities")
    op.drop_index("ix_localities_depth_search_name", table_name="localities")
    op.create_index("ix_localities_depth_search_full", "localities", ["depth", "search_full"], unique=False)
    op.create_index("ix_localities_depth_search_name", "localities", ["depth", "search_name"], unique=False)
