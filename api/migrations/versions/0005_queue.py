"""queue: handoff assignments, tag corrections, counsellor presence

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "handoff_assignments",
        sa.Column("handoff_id", sa.String(length=32), nullable=False),
        sa.Column("counsellor_id", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.String(length=32), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("waited_seconds", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["handoff_id"], ["handoffs.id"],
            name=op.f("fk_handoff_assignments_handoff_id_handoffs"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["counsellor_id"], ["counsellors.id"],
            name=op.f("fk_handoff_assignments_counsellor_id_counsellors"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"],
            name=op.f("fk_handoff_assignments_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("handoff_id", name=op.f("pk_handoff_assignments")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_handoff_assignments_counsellor_id"), "handoff_assignments", ["counsellor_id"]
    )
    op.create_index(
        op.f("ix_handoff_assignments_organisation_id"), "handoff_assignments", ["organisation_id"]
    )
    op.create_table(
        "tag_corrections",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("handoff_id", sa.String(length=32), nullable=False),
        sa.Column("transcript_entry_id", sa.String(length=32), nullable=True),
        sa.Column("counsellor_id", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.String(length=32), nullable=False),
        sa.Column("previous_tags", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["handoff_id"], ["handoffs.id"],
            name=op.f("fk_tag_corrections_handoff_id_handoffs"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["transcript_entry_id"], ["transcript_entries.id"],
            name=op.f("fk_tag_corrections_transcript_entry_id_transcript_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["counsellor_id"], ["counsellors.id"],
            name=op.f("fk_tag_corrections_counsellor_id_counsellors"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"],
            name=op.f("fk_tag_corrections_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag_corrections")),
    )  # fmt: skip
    op.create_index(op.f("ix_tag_corrections_handoff_id"), "tag_corrections", ["handoff_id"])
    op.create_index(op.f("ix_tag_corrections_counsellor_id"), "tag_corrections", ["counsellor_id"])
    op.create_index(
        op.f("ix_tag_corrections_organisation_id"), "tag_corrections", ["organisation_id"]
    )
    op.create_table(
        "counsellor_presence",
        sa.Column("sid", sa.String(length=64), nullable=False),
        sa.Column("counsellor_id", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.String(length=32), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["counsellor_id"], ["counsellors.id"],
            name=op.f("fk_counsellor_presence_counsellor_id_counsellors"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"],
            name=op.f("fk_counsellor_presence_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("sid", name=op.f("pk_counsellor_presence")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_counsellor_presence_counsellor_id"), "counsellor_presence", ["counsellor_id"]
    )
    op.create_index(
        op.f("ix_counsellor_presence_organisation_id"), "counsellor_presence", ["organisation_id"]
    )
    op.create_index(op.f("ix_counsellor_presence_last_seen"), "counsellor_presence", ["last_seen"])


def downgrade() -> None:
    op.drop_table("counsellor_presence")
    op.drop_table("tag_corrections")
    op.drop_table("handoff_assignments")
