"""Statistics for the counselling providers (scope `stats:read`), JSON or CSV.

A token that belongs to an organisation (a console login: `org` claim) sees that
organisation's figures only; a token without one (the platform's analytics client, client
credentials) sees all organisations. Cells under 5 are suppressed, with complementary
suppression (api/services/stats.py)."""

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.auth import scopes as scope_names
from api.auth.tokens import AccessToken
from api.deps import SessionDep, require_scope
from api.services import stats

router = APIRouter(prefix="/api/v1/stats", tags=["statistics"])

StatsReader = Annotated[AccessToken, Depends(require_scope(scope_names.STATS_READ))]
CSV_FIELDS = ("organisation_id", "month", "gender", "age_band", "tag", "count")


def _published(token: AccessToken, session: SessionDep) -> list[stats.PublishedGroup]:
    return stats.publish(stats.cells(session, organisation_id=token.organisation_id))


@router.get("")
def statistics(
    token: StatsReader,
    session: SessionDep,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
) -> Any:
    groups = _published(token, session)
    if format == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in stats.as_rows(groups):
            writer.writerow({**row, "count": "" if row["count"] is None else row["count"]})
        return Response(
            buffer.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="ung-intake-statistik.csv"'},
        )
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
