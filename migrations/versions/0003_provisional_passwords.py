"""Provisional passwords: an account whose password an administrator chose
must choose its own at its next login.

Revision ID: 5c1e7f3a9b20
Revises: a8b4d0daef66
Create Date: 2026-11-27 09:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5c1e7f3a9b20"
down_revision = "a8b4d0daef66"
branch_labels = None
depends_on = None


def upgrade():
    # Existing accounts keep the password they have: none is provisional.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
