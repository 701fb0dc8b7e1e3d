"""Support services shown after the danger, and their audit events: the
five the CISPD names, by name only (no phone or address is invented, so
none is public until the staff complete it).

Revision ID: fb8e15879132
Revises: 5c1e7f3a9b20
Create Date: 2026-12-01 09:00:00.000000

"""

from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "fb8e15879132"
down_revision = "5c1e7f3a9b20"
branch_labels = None
depends_on = None

# The associations the CISPD funds, and the police station's social worker.
SEEDED_NAMES = (
    "Paroles de Femmes – Le Relais",
    "AVIMEJ",
    "ACJUSE",
    "CIDFF",
    "Intervenante sociale du commissariat de Melun",
)


def upgrade():
    support_services = op.create_table(
        "support_services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("services", sa.Text(), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("postcode", sa.String(length=5), nullable=True),
        sa.Column("hours", sa.String(length=300), nullable=True),
        sa.Column("languages", sa.String(length=200), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_services")),
        sa.UniqueConstraint("name", name=op.f("uq_support_services_name")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("support_service_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_audit_events_support_service_id"), ["support_service_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_events_support_service_id_support_services"),
            "support_services",
            ["support_service_id"],
            ["id"],
            ondelete="SET NULL",
        )

    now = datetime.now(UTC)
    op.bulk_insert(
        support_services,
        [
            {"name": name, "position": position, "created_at": now, "updated_at": now, "version": 1}
            for position, name in enumerate(SEEDED_NAMES, start=1)
        ],
    )


def downgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_audit_events_support_service_id_support_services"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_audit_events_support_service_id"))
        batch_op.drop_column("support_service_id")

    op.drop_table("support_services")
