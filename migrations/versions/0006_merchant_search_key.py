"""The merchants' search key: reference, name and address folded (no
accents, no case), so that the staff search forgives them the same way on
SQLite and PostgreSQL. Existing rows are filled with the app's own folding
(`angela.core.french.search_key`, what every later write stores).

Revision ID: 7e2c4b9a1d35
Revises: 3d9a61c0e7b4
Create Date: 2026-12-15 09:00:00.000000

"""

from alembic import op
import sqlalchemy as sa

from angela.core.french import search_key


# revision identifiers, used by Alembic.
revision = "7e2c4b9a1d35"
down_revision = "3d9a61c0e7b4"
branch_labels = None
depends_on = None

merchants = sa.table(
    "merchants",
    sa.column("id", sa.Integer),
    sa.column("ref", sa.String),
    sa.column("name", sa.String),
    sa.column("address", sa.String),
    sa.column("search_key", sa.Text),
)


def upgrade():
    with op.batch_alter_table("merchants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_key", sa.Text(), nullable=True))

    connection = op.get_bind()
    rows = connection.execute(
        sa.select(merchants.c.id, merchants.c.ref, merchants.c.name, merchants.c.address)
    ).all()
    for merchant_id, ref, name, address in rows:
        connection.execute(
            merchants.update()
            .where(merchants.c.id == merchant_id)
            .values(search_key=search_key(ref, name, address))
        )

    with op.batch_alter_table("merchants", schema=None) as batch_op:
        batch_op.alter_column("search_key", existing_type=sa.Text(), nullable=False)


def downgrade():
    with op.batch_alter_table("merchants", schema=None) as batch_op:
        batch_op.drop_column("search_key")
