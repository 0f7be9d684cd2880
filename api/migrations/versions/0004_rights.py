"""rights: consent ledger, profile credentials, newsletter, closed conversations, statistics
aggregates, erasure log

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consent_records",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("profile_id", sa.String(length=64), nullable=False),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("policy_version", sa.String(length=32), nullable=False),
        sa.Column("policy_sha256", sa.String(length=64), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_consent_records_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_records")),
    )
    op.create_index(op.f("ix_consent_records_profile_id"), "consent_records", ["profile_id"])

    op.create_table(
        "profile_credentials",
        sa.Column("profile_id", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_profile_credentials_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("profile_id", name=op.f("pk_profile_credentials")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_profile_credentials_secret_hash")),
    )

    op.create_table(
        "newsletter_subscriptions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("profile_id", sa.String(length=64), nullable=False),
        sa.Column("email_ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("unsubscribe_hash", sa.String(length=64), nullable=False),
        sa.Column("subscribed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_newsletter_subscriptions_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_newsletter_subscriptions")),
        sa.UniqueConstraint("profile_id", name=op.f("uq_newsletter_subscriptions_profile_id")),
        sa.UniqueConstraint(
            "unsubscribe_hash", name=op.f("uq_newsletter_subscriptions_unsubscribe_hash")
        ),
    )

    op.create_table(
        "closed_conversations",
        sa.Column("handoff_id", sa.String(length=32), nullable=False),
        sa.Column("profile_id", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.String(length=32), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("gender", sa.String(length=16), nullable=False),
        sa.Column("age_band", sa.String(length=16), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("handoff_id", name=op.f("pk_closed_conversations")),
    )
    op.create_index(
        op.f("ix_closed_conversations_profile_id"), "closed_conversations", ["profile_id"]
    )

    op.create_table(
        "stats_cells",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organisation_id", sa.String(length=32), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("gender", sa.String(length=16), nullable=False),
        sa.Column("age_band", sa.String(length=16), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stats_cells")),
        sa.UniqueConstraint(
            "organisation_id",
            "month",
            "gender",
            "age_band",
            "tag",
            name=op.f("uq_stats_cells_organisation_id"),
        ),
    )
    op.create_index(op.f("ix_stats_cells_organisation_id"), "stats_cells", ["organisation_id"])

    op.create_table(
        "erasure_log",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_log")),
    )
    op.create_index(op.f("ix_erasure_log_at"), "erasure_log", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_erasure_log_at"), table_name="erasure_log")
    op.drop_table("erasure_log")
    op.drop_index(op.f("ix_stats_cells_organisation_id"), table_name="stats_cells")
    op.drop_table("stats_cells")
    op.drop_index(op.f("ix_closed_conversations_profile_id"), table_name="closed_conversations")
    op.drop_table("closed_conversations")
    op.drop_table("newsletter_subscriptions")
    op.drop_table("profile_credentials")
    op.drop_index(op.f("ix_consent_records_profile_id"), table_name="consent_records")
    op.drop_table("consent_records")
