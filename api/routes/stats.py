"""Statistics for the counselling providers (scope `stats:read`), JSON or CSV: by gender, age
band and tag (`/api/v1/stats`), and by outcome and referral (`/api/v1/stats/outcomes`).

A token that belongs to an organisation (a console login: `org` claim) sees that
organisation's figures only; a token without one (the platform's analytics client, client
credentials) sees all organisations. Cells under 5 are suppressed, with complementary
suppression (api/services/stats.py)."""

import csv
import io
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.auth import scopes as scope_names
from api.auth.tokens import AccessToken
from api.deps import SessionDep, require_scope
from api.services import closing, queue, stats

router = APIRouter(prefix="/api/v1/stats", tags=["statistics"])

StatsReader = Annotated[AccessToken, Depends(require_scope(scope_names.STATS_READ))]
Format = Annotated[Literal["json", "csv"], Query()]
CSV_FIELDS = ("organisation_id", "month", "gender", "age_band", "tag", "count")
OUTCOME_CSV_FIELDS = ("organisation_id", "month", "outcome", "referral", "count")


def _csv(rows: Iterable[dict[str, Any]], fields: tuple[str, ...], filename: str) -> Response:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "count": "" if row["count"] is None else row["count"]})
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _json(token: AccessToken, groups: list[stats.PublishedGroup]) -> dict[str, Any]:
    return {
        "min_cell": stats.MIN_CELL,
        "scope": token.organisation_id or "all",
        "groups": [
            {
                "organisation_id": g.organisation_id,
                "month": g.month,
                "total": g.total,
                "cells": g.cells,
            }
            for g in groups
        ],
    }


@router.get("")
def statistics(token: StatsReader, session: SessionDep, format: Format = "json") -> Any:
    groups = stats.publish(stats.cells(session, organisation_id=token.organisation_id))
    if format == "csv":
        return _csv(stats.as_rows(groups), CSV_FIELDS, "ung-intake-statistik.csv")
    return _json(token, groups)


@router.get("/outcomes")
def outcome_statistics(token: StatsReader, session: SessionDep, format: Format = "json") -> Any:
    """Closed conversations by outcome and "henvist til" referral ("" when none); the group
    total counts conversations. The labels are the console's Danish ones."""
    groups = stats.publish_outcomes(
        stats.outcome_cells(session, organisation_id=token.organisation_id)
    )
    if format == "csv":
        return _csv(stats.outcome_rows(groups), OUTCOME_CSV_FIELDS, "ung-intake-udfald.csv")
    return {
        **_json(token, groups),
        "outcomes": {**queue.OUTCOMES, **closing.SYSTEM_OUTCOMES},
        "referrals": queue.REFERRALS,
    }
