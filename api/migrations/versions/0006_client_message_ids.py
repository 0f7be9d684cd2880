"""transcript entries: the client's message id (idempotent resend after a reconnect)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 18:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "transcript_entries",
        sa.Column("client_message_id", sa.String(length=64), nullable=True),
    )
    # NULLs are distinct in both SQLite and PostgreSQL: turns without an id never collide.
    op.create_index(
        "uq_transcript_entries_client_message",
        "transcript_entries",
        ["profile_id", "client_message_id"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_transcript_entries_client_message", table_name="transcript_entries")
    op.drop_column("transcript_entries", "client_message_id")
