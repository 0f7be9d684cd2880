"""counsellor tools: conversation caps, supervisor role, notes, canned replies, referral

Revision ID: 0008_counsellor_tools
Revises: 0007_session_rules
Create Date: 2026-11-25 18:40:00
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from api.services.canned import DEFAULTS

revision: str = "0008_counsellor_tools"
down_revision: str | None = "0007_session_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ADD/DROP COLUMN, not batch mode: SQLite (>= 3.35) does both natively, and re-creating
# `organisations` or `counsellors` would fail on the foreign keys that point at their rows.


def upgrade() -> None:
    op.add_column(
        "organisations",
        sa.Column("conversation_cap", sa.Integer(), server_default="3", nullable=False),
    )
    op.add_column(
        "counsellors",
        sa.Column("role", sa.String(length=16), server_default="counsellor", nullable=False),
    )
    op.add_column("counsellors", sa.Column("conversation_cap", sa.Integer(), nullable=True))
    op.add_column("handoff_assignments", sa.Column("referral", sa.String(length=32), nullable=True))
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
    _seed_canned_replies()


def _seed_canned_replies() -> None:
    """Organisations that existed before this revision get the same starting set as new ones."""
    connection = op.get_bind()
    organisations = connection.execute(sa.text("SELECT id FROM organisations")).scalars().all()
    now = datetime.now(UTC)
    replies = sa.table(
        "canned_replies",
        sa.column("id", sa.String),
        sa.column("organisation_id", sa.String),
        sa.column("title", sa.String),
        sa.column("text", sa.Text),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    rows = [
        {
            "id": uuid.uuid4().hex,
            "organisation_id": organisation_id,
            "title": title,
            "text": text,
            "created_at": now,
            "updated_at": now,
        }
        for organisation_id in organisations
        for title, text in DEFAULTS
    ]
    if rows:
        op.bulk_insert(replies, rows)


def downgrade() -> None:
    op.drop_table("canned_replies")
    op.drop_table("conversation_notes")
    op.drop_column("handoff_assignments", "referral")
    op.drop_column("counsellors", "conversation_cap")
    op.drop_column("counsellors", "role")
    op.drop_column("organisations", "conversation_cap")
