"""server sessions and account search

Sessions kept on the server (user_sessions) replace the per-user session token, which is dropped; users get a
folded search column (username and full name without accents), backfilled here.

Revision ID: e5f57596a79e
Revises: 3af50a46865d
Create Date: 2026-11-29 09:00:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa

from festival.core.text import fold


# revision identifiers, used by Alembic.
revision = 'e5f57596a79e'
down_revision = '3af50a46865d'
branch_labels = None
depends_on = None

SEARCH_TEXT_MAX = 300


def _users():
    return sa.table(
        'users',
        sa.column('id', sa.Integer),
        sa.column('username', sa.String),
        sa.column('full_name', sa.String),
        sa.column('search_text', sa.String),
        sa.column('session_token', sa.String),
    )


def upgrade():
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=512), nullable=False),
    sa.Column('address', sa.String(length=45), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_sessions_last_seen_at'), ['last_seen_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    search_type = sa.String(length=SEARCH_TEXT_MAX).with_variant(sa.String(length=SEARCH_TEXT_MAX, collation='C'), 'postgresql')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', search_type, nullable=True))

    # Backfill with the rule of accounts.services.search_text: "username folded-full-name".
    users = _users()
    conn = op.get_bind()
    for row in conn.execute(sa.select(users.c.id, users.c.username, users.c.full_name)).all():
        text = f"{row.username} {fold(row.full_name)}"[:SEARCH_TEXT_MAX]
        conn.execute(users.update().where(users.c.id == row.id).values(search_text=text))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('search_text', existing_type=search_type, nullable=False)
        batch_op.create_index(batch_op.f('ix_users_search_text'), ['search_text'], unique=False)
        # Logging out, a new password and deactivation now delete session records: the token is not needed.
        batch_op.drop_column('session_token')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.VARCHAR(length=32), nullable=True))
        batch_op.drop_index(batch_op.f('ix_users_search_text'))
        batch_op.drop_column('search_text')

    # Every user gets a fresh token: the sessions of before the upgrade stay ended.
    users = _users()
    conn = op.get_bind()
    for row in conn.execute(sa.select(users.c.id)).all():
        conn.execute(users.update().where(users.c.id == row.id).values(session_token=secrets.token_urlsafe(16)))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.VARCHAR(length=32), nullable=False)

    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
        batch_op.drop_index(batch_op.f('ix_user_sessions_last_seen_at'))
        batch_op.drop_index(batch_op.f('ix_user_sessions_created_at'))

    op.drop_table('user_sessions')
