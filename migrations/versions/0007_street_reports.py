"""Reports from the street (the staff queue, the throttle's daily salts
and salted counts), their audit events, and the day each merchant's
details were last checked.

Revision ID: 7cb2945dc4e1
Revises: 7e2c4b9a1d35
Create Date: 2026-12-20 09:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "7cb2945dc4e1"
down_revision = "7e2c4b9a1d35"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_attempts")),
    )
    with op.batch_alter_table("report_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_attempts_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_report_attempts_sender_hash"), ["sender_hash"], unique=False
        )

    op.create_table(
        "report_salts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("salt", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_report_salts")),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.Column("staff_note", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "reason IN ('help_refused', 'closed', 'wrong_hours', 'wrong_place', 'other')",
            name=op.f("ck_reports_reason"),
        ),
        sa.CheckConstraint(
            "status IN ('new', 'in_progress', 'resolved', 'dismissed')",
            name=op.f("ck_reports_status"),
        ),
        sa.ForeignKeyConstraint(
            ["handled_by_id"],
            ["users.id"],
            name=op.f("fk_reports_handled_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_reports_merchant_id_merchants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reports_closed_at"), ["closed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_reports_merchant_id"), ["merchant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reports_reason"), ["reason"], unique=False)
        batch_op.create_index(batch_op.f("ix_reports_status"), ["status"], unique=False)

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_events_report_id"), ["report_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_events_report_id_reports"),
            "reports",
            ["report_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("merchants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_checked_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("merchants", schema=None) as batch_op:
        batch_op.drop_column("last_checked_on")

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_audit_events_report_id_reports"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_audit_events_report_id"))
        batch_op.drop_column("report_id")

    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reports_status"))
        batch_op.drop_index(batch_op.f("ix_reports_reason"))
        batch_op.drop_index(batch_op.f("ix_reports_merchant_id"))
        batch_op.drop_index(batch_op.f("ix_reports_closed_at"))

    op.drop_table("reports")
    op.drop_table("report_salts")
    with op.batch_alter_table("report_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_attempts_sender_hash"))
        batch_op.drop_index(batch_op.f("ix_report_attempts_at"))

    op.drop_table("report_attempts")
