"""counsellor tools: conversation caps, supervisor role, notes, canned replies, referral

Revision ID: 0006_counsellor_tools
Revises: 0005
Create Date: 2026-11-25 18:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_counsellor_tools"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(
            sa.Column("conversation_cap", sa.Integer(), server_default="3", nullable=False)
        )
    with op.batch_alter_table("counsellors") as batch:
        batch.add_column(
            sa.Column("role", sa.String(length=16), server_default="counsellor", nullable=False)
        )
        batch.add_column(sa.Column("conversation_cap", sa.Integer(), nullable=True))
    with op.batch_alter_table("handoff_assignments") as batch:
        batch.add_column(sa.Column("referral", sa.String(length=32), nullable=True))
    op.create_table(
        "conversation_notes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("profile_id", sa.String(length=64), nullable=False),
        sa.Column("handoff_id", sa.String(length=32), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text_ciphertext", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('privat', 'supervisor')", name=op.f("ck_conversation_notes_kind")
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["profiles.id"],
            name=op.f("fk_conversation_notes_profile_id_profiles"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["handoff_id"], ["handoffs.id"],
            name=op.f("fk_conversation_notes_handoff_id_handoffs"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["counsellors.id"],
            name=op.f("fk_conversation_notes_author_id_counsellors"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_notes")),
    )  # fmt: skip
    op.create_index(op.f("ix_conversation_notes_profile_id"), "conversation_notes", ["profile_id"])
    op.create_index(op.f("ix_conversation_notes_handoff_id"), "conversation_notes", ["handoff_id"])
    op.create_index(op.f("ix_conversation_notes_author_id"), "conversation_notes", ["author_id"])
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"],
            name=op.f("fk_canned_replies_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_replies")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_canned_replies_organisation_id"), "canned_replies", ["organisation_id"]
    )


def downgrade() -> None:
    op.drop_table("canned_replies")
    op.drop_table("conversation_notes")
    with op.batch_alter_table("handoff_assignments") as batch:
        batch.drop_column("referral")
    with op.batch_alter_table("counsellors") as batch:
        batch.drop_column("conversation_cap")
        batch.drop_column("role")
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("conversation_cap")
