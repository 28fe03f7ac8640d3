"""workspace_summary(): the JSON of GET /api/v1/workspace (CONTRACT §4)."""

from datetime import datetime, timedelta

from app.billing import account as accounts
from app.billing.summary import workspace_summary
from app.models import Direction, Role
from app.workspaces import members
from tests.factories import make_channel, make_conversation, make_member, make_message, make_workspace


def test_new_workspace_is_trialing_for_14_days(db):
    workspace = make_workspace(name="Tienda Sol")
    summary = workspace_summary(workspace)
    assert set(summary) == {"id", "name", "plan", "subscription_status", "trial_ends_at", "limits", "usage"}
    assert summary["id"] == workspace.id and summary["name"] == "Tienda Sol"
    assert (summary["plan"], summary["subscription_status"]) == ("trial", "trialing")
    ends = datetime.fromisoformat(summary["trial_ends_at"].replace("Z", "+00:00")).replace(tzinfo=None)
    assert abs(ends - (workspace.created_at + timedelta(days=14))) < timedelta(seconds=1)
    assert summary["trial_ends_at"].endswith("Z")
    assert summary["limits"] == {"seats": 10, "channels": 10, "messages_per_month": 10000}
    assert summary["usage"] == {"seats": 1, "channels": 0, "messages_this_month": 0}


def test_usage_counts_this_workspace_only(db, workspace, owner):
    make_member(workspace, Role.AGENT)
    members.invite(workspace, "pending@example.com", Role.AGENT, owner)
    conversation = make_conversation(make_channel(workspace))
    make_message(conversation, Direction.OUT)
    make_message(conversation, Direction.IN)
    other = make_workspace()
    make_message(make_conversation(make_channel(other)), Direction.OUT)
    db.session.commit()
    assert workspace_summary(workspace)["usage"] == {"seats": 3, "channels": 1, "messages_this_month": 1}


def test_summary_follows_the_stored_subscription(db, workspace):
    account = accounts.ensure_account(workspace)
    account.plan, account.status, account.stripe_subscription_id = "pro", "past_due", "sub_1"
    db.session.commit()
    summary = workspace_summary(workspace)
    assert (summary["plan"], summary["subscription_status"]) == ("pro", "past_due")
    assert summary["limits"] == {"seats": 20, "channels": 10, "messages_per_month": 50000}
