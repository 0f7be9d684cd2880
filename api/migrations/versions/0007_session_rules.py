"""session rules: conversation activity (idle), organisation settings (opening hours,
transcript retention), underretning audit and contact details

Revision ID: 0007_session_rules
Revises: 0006
Create Date: 2026-11-25 18:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_session_rules"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversation_activity",
        sa.Column("handoff_id", sa.String(length=32), nullable=False),
        sa.Column("last_youth_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idle_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("handoff_id"),
    )
    op.create_index(
        "ix_conversation_activity_last_youth_at", "conversation_activity", ["last_youth_at"]
    )
    op.create_table(
        "organisation_settings",
        sa.Column("organisation_id", sa.String(length=32), nullable=False),
        sa.Column("opening_hours", sa.JSON(), nullable=True),
        sa.Column("opening_hours_text", sa.String(length=200), nullable=True),
        sa.Column("transcript_retention_days", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("organisation_id"),
    )
    op.create_table(
        "underretning_events",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("handoff_id", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.String(length=32), nullable=False),
        sa.Column("counsellor_id", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_underretning_events_handoff_id", "underretning_events", ["handoff_id"])
    op.create_index(
        "ix_underretning_events_organisation_id", "underretning_events", ["organisation_id"]
    )
    op.create_table(
        "contact_details",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("profile_id", sa.String(length=64), nullable=False),
        sa.Column("handoff_id", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.String(length=32), nullable=False),
        sa.Column("details_ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["profile_id"], ["profiles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_contact_details_profile_id", "contact_details", ["profile_id"])
    op.create_index("ix_contact_details_handoff_id", "contact_details", ["handoff_id"])
    op.create_index("ix_contact_details_organisation_id", "contact_details", ["organisation_id"])


def downgrade() -> None:
    op.drop_table("contact_details")
    op.drop_table("underretning_events")
    op.drop_table("organisation_settings")
    op.drop_index("ix_conversation_activity_last_youth_at", table_name="conversation_activity")
    op.drop_table("conversation_activity")
