"""Plan limits: seats (with pending invitations), channels, messages a month, past-due grace."""

from datetime import datetime, timedelta

import pytest

from app.billing import account as accounts
from app.billing import limits, plans
from app.billing.limits import PlanLimitError
from app.models import ChannelStatus, Direction, MessageKind, Role, utcnow
from app.workspaces import members
from tests.factories import make_channel, make_conversation, make_member, make_message

pytestmark = pytest.mark.usefixtures("request_ctx")


def _fill_seats(workspace, owner, free: int = 0):
    """Members and invitations up to the trial's seats, leaving `free` seats."""
    for n in range(plans.TRIAL.seats - 1 - free):
        if n % 2:
            make_member(workspace, Role.AGENT)
        else:
            members.invite(workspace, f"invitee{n}@example.com", Role.AGENT, owner)


def test_seats_count_members_and_pending_invitations(workspace, owner, db):
    _fill_seats(workspace, owner, free=1)
    db.session.commit()
    assert limits.seats_used(workspace) == plans.TRIAL.seats - 1
    limits.check_seat_available(workspace)
    members.invite(workspace, "last@example.com", Role.AGENT, owner)
    with pytest.raises(PlanLimitError) as refused:
        limits.check_seat_available(workspace)
    assert f"includes {plans.TRIAL.seats} seats" in refused.value.reason and refused.value.upgrade_url.endswith(
        "/billing"
    )


def test_withdrawn_invitation_frees_its_seat(workspace, owner, db):
    _fill_seats(workspace, owner)
    invitation = members.pending_invitations(workspace)[0]
    with pytest.raises(PlanLimitError):
        limits.check_seat_available(workspace)
    members.revoke_invitation(invitation, owner)
    limits.check_seat_available(workspace)


def test_inviting_beyond_the_seats_shows_the_limit_and_an_upgrade_link(client, login_as, workspace, owner, db):
    _fill_seats(workspace, owner)
    db.session.commit()
    login_as(owner, workspace)
    response = client.post("/workspace/members/invite", data={"email": "one.more@example.com", "role": "agent"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert f"includes {plans.TRIAL.seats} seats, counting pending invitations" in text
    assert 'href="/billing"' in text and "Upgrade your plan" in text
    assert "one.more@example.com" not in [i.email for i in members.pending_invitations(workspace)]


def test_admin_at_the_seat_limit_is_told_to_ask_an_owner(client, login_as, workspace, owner, db):
    _fill_seats(workspace, owner, free=1)
    admin = make_member(workspace, Role.ADMIN)  # takes the last seat
    login_as(admin, workspace)
    text = client.post("/workspace/members/invite", data={"email": "x@example.com", "role": "agent"}).get_data(
        as_text=True
    )
    assert "Ask an owner of the workspace to upgrade the plan." in text


def test_channel_limit_counts_only_connected_channels(workspace, db):
    make_channel(workspace, status=ChannelStatus.DISCONNECTED)
    channels = [make_channel(workspace) for _ in range(plans.TRIAL.channels)]
    with pytest.raises(PlanLimitError) as refused:
        limits.check_channel_available(workspace)
    assert f"includes {plans.TRIAL.channels} channels" in refused.value.reason
    channels[0].status = ChannelStatus.DISCONNECTED
    db.session.commit()
    assert limits.channels_used(workspace) == plans.TRIAL.channels - 1
    limits.check_channel_available(workspace)


def test_messages_this_month_count_outbound_since_the_workspaces_month_began(workspace, db):
    workspace.timezone = "America/Mexico_City"  # UTC-6
    db.session.commit()
    conversation = make_conversation(make_channel(workspace))
    start = limits.month_start(workspace)
    make_message(conversation, Direction.OUT, created_at=start + timedelta(minutes=1))
    make_message(conversation, Direction.OUT, created_at=start - timedelta(minutes=1))  # last month there
    make_message(conversation, Direction.IN)
    make_message(conversation, Direction.OUT, kind=MessageKind.NOTE)
    make_message(conversation, Direction.OUT)
    assert limits.messages_this_month(workspace) == 2


def test_month_starts_at_local_midnight():
    class Place:
        timezone = "America/Mexico_City"

    # 3 March 02:00 UTC is still 2 March in Mexico City; its month began 1 March 06:00 UTC.
    assert limits.month_start(Place(), datetime(2026, 3, 3, 2, 0)) == datetime(2026, 3, 1, 6, 0)
    assert limits.month_start(Place(), datetime(2026, 3, 1, 5, 0)) == datetime(2026, 2, 1, 6, 0)


def test_sending_beyond_the_monthly_messages_is_refused(workspace, db):
    conversation = make_conversation(make_channel(workspace))
    for _ in range(3):
        make_message(conversation, Direction.OUT)
    limits.check_can_send(workspace, plans.TRIAL.messages_per_month - 3)
    with pytest.raises(PlanLimitError) as refused:
        limits.check_can_send(workspace, plans.TRIAL.messages_per_month - 2, campaign=True)
    assert (
        f"{plans.TRIAL.messages_per_month} messages a month" in refused.value.reason
        and "3 sent so far" in refused.value.reason
    )


def _with_status(workspace, status, **fields):
    account = accounts.ensure_account(workspace)
    account.status = status
    account.stripe_subscription_id = fields.pop("stripe_subscription_id", "sub_1")
    for key, value in fields.items():
        setattr(account, key, value)
    return account


def test_past_due_keeps_replying_and_campaigns_stop_after_the_grace_period(workspace, db):
    _with_status(workspace, "past_due", past_due_since=utcnow() - timedelta(days=2), plan="starter")
    limits.check_can_send(workspace)
    limits.check_can_send(workspace, 10, campaign=True)  # still within the grace period
    accounts.account_for(workspace).past_due_since = utcnow() - plans.PAST_DUE_GRACE - timedelta(hours=1)
    limits.check_can_send(workspace)  # replies keep going
    with pytest.raises(PlanLimitError) as refused:
        limits.check_can_send(workspace, 10, campaign=True)
    assert "campaigns are paused" in refused.value.reason


def test_canceled_subscription_cannot_send(workspace, db):
    _with_status(workspace, "canceled", plan="starter")
    with pytest.raises(PlanLimitError) as refused:
        limits.check_can_send(workspace)
    assert "not active" in refused.value.reason


def test_an_ended_trial_cannot_send_and_says_so(workspace, db):
    account = _with_status(workspace, "trialing", stripe_subscription_id=None)
    account.trial_ends_at = utcnow() - timedelta(minutes=1)
    assert accounts.effective_status(account) == "paused"
    with pytest.raises(PlanLimitError) as refused:
        limits.check_can_send(workspace)
    assert "free trial has ended" in refused.value.reason


def test_paid_plan_raises_the_limits(workspace, owner, db, stripe_api):
    _fill_seats(workspace, owner)
    with pytest.raises(PlanLimitError):
        limits.check_seat_available(workspace)
    _with_status(workspace, "active", plan="pro")
    limits.check_seat_available(workspace)
    limits.check_can_send(workspace, plans.PRO.messages_per_month)
