"""The workspace as GET /api/v1/workspace shows it (CONTRACT §4): plan, status, limits, usage."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.billing import account as accounts
from app.billing import limits, plans
from app.models import Workspace


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, or None."""
    return value.replace(tzinfo=UTC).isoformat(timespec="seconds").replace("+00:00", "Z") if value else None


def workspace_summary(workspace: Workspace) -> dict[str, Any]:
    account = accounts.account_for(workspace)
    plan = plans.get_plan(account.plan)
    return {
        "id": workspace.id,
        "name": workspace.name,
        "plan": plan.key,
        "subscription_status": accounts.effective_status(account),
        "trial_ends_at": iso(account.trial_ends_at),
        "limits": plan.limits,
        "usage": limits.usage(workspace).as_dict(),
    }
