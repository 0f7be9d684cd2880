"""outcome statistics: closed conversations per organisation × month × outcome × referral

Revision ID: 0009_outcome_stats
Revises: 0008_counsellor_tools
Create Date: 2026-11-26 01:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_outcome_stats"
down_revision: str | None = "0008_counsellor_tools"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outcome_cells",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organisation_id", sa.String(length=32), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("referral", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_cells")),
        sa.UniqueConstraint(
            "organisation_id",
            "month",
            "outcome",
            "referral",
            name=op.f("uq_outcome_cells_organisation_id"),
        ),
    )
    op.create_index(op.f("ix_outcome_cells_organisation_id"), "outcome_cells", ["organisation_id"])
    # Conversations counted before this revision whose outcome is still on record (the
    # counsellor's form, hand-back, idle close of a held conversation): the same consent
    # decided them, `closed_conversations` says where and when they were counted. Those of
    # erased profiles, and idle closes of waiting handoffs (no assignment), are not known.
    op.execute(
        "INSERT INTO outcome_cells (organisation_id, month, outcome, referral, count) "
        "SELECT c.organisation_id, c.month, a.outcome, COALESCE(a.referral, ''), COUNT(*) "
        "FROM closed_conversations c JOIN handoff_assignments a ON a.handoff_id = c.handoff_id "
        "WHERE c.counted AND a.outcome IS NOT NULL "
        "GROUP BY c.organisation_id, c.month, a.outcome, COALESCE(a.referral, '')"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_outcome_cells_organisation_id"), table_name="outcome_cells")
    op.drop_table("outcome_cells")
