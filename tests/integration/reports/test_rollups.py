"""Rollups and conversation timings against hand-computed numbers; days in the workspace's zone."""

from datetime import date, time, timedelta

import sqlalchemy as sa

from app.inbox.settings import settings_of
from app.jobs import enqueue
from app.jobs.reports import refresh_workspace_reports
from app.models import DailyRollup, Direction, ReportConversation, Role
from app.reports import queries
from app.reports.period import ReportRange
from tests.factories import make_channel, make_member, make_message, make_workspace
from tests.integration.reports.helpers import automatic_and_note, exchange, local, refresh

MX = "America/Mexico_City"
WEEK = ReportRange(date(2026, 3, 9), date(2026, 3, 15), "custom", MX)


def _setup():
    workspace = make_workspace(timezone=MX)
    return workspace, make_channel(workspace), make_member(workspace, Role.AGENT), make_member(workspace, Role.AGENT)


def test_a_message_at_2330_local_counts_on_the_local_day(db):
    workspace, channel, _, _ = _setup()
    exchange(channel, local("2026-03-09 23:30"))  # 2026-03-10 05:30 UTC
    refresh(workspace)
    days = {row.day: row.messages_in for row in db.session.scalars(sa.select(DailyRollup))}
    assert days == {date(2026, 3, 9): 1}
    volume = queries.volume_by_day(workspace.id, ReportRange(date(2026, 3, 9), date(2026, 3, 10), "custom", MX))
    assert volume == [(date(2026, 3, 9), 1, 0, 1), (date(2026, 3, 10), 0, 0, 0)]


def test_first_response_median_and_p90_overall_and_by_agent(db):
    workspace, channel, ana, beto = _setup()
    start = local("2026-03-10 10:00")
    for n, (seconds, agent) in enumerate([(60, ana), (120, beto), (300, ana), (600, beto), (3600, ana)]):
        conversation = exchange(channel, start + timedelta(hours=n), seconds, agent)
    automatic_and_note(conversation, start + timedelta(hours=4, seconds=10), ana)  # before the 3600 s reply
    refresh(workspace)
    timings = queries.first_response_times(workspace.id, WEEK, business=False)
    assert timings.overall == (300, 2400)  # sorted 60 120 300 600 3600: p90 at 3.6 → 600 + 0.6 × 3000
    assert timings.by_agent[ana.id] == (300, 2940, 3)  # 60 300 3600: p90 at 1.8 → 300 + 0.8 × 3300
    assert timings.by_agent[beto.id] == (360, 552, 2)  # 120 600: p90 at 0.9 → 120 + 0.9 × 480
    assert timings.by_channel[channel.id][2] == 5


def test_resolution_median_and_p90_count_resolved_conversations_only(db):
    workspace, channel, ana, _ = _setup()
    start = local("2026-03-10 10:00")
    exchange(channel, start, 60, ana, resolve_after=7200)
    exchange(channel, start, 60, ana, resolve_after=86400)
    exchange(channel, start, 60, ana)  # still open
    refresh(workspace)
    timings = queries.resolution_times(workspace.id, WEEK, business=False)
    assert timings.overall == (46800, 78480)  # 7200 and 86400: p90 → 7200 + 0.9 × 79200
    assert timings.by_agent[ana.id][2] == 2


def test_business_hours_medians_count_open_hours_only(db):
    workspace, channel, ana, _ = _setup()
    hours = {day: [(time(9), time(17))] for day in range(5)}
    exchange(channel, local("2026-03-13 16:30"), int(timedelta(days=2, hours=16, minutes=45).total_seconds()), ana)
    exchange(channel, local("2026-03-10 10:00"), 1200, ana)  # Tuesday, inside hours
    exchange(channel, local("2026-03-14 11:00"), 3600, ana)  # Saturday: closed all along
    refresh(workspace, hours)
    stored = sorted(db.session.scalars(sa.select(ReportConversation.first_response_business_seconds)))
    assert stored == [0, 1200, 2700]  # Friday 16:30-17:00 + Monday 09:00-09:15
    assert queries.first_response_times(workspace.id, WEEK, business=True).overall == (1200, 2400)
    assert queries.first_response_times(workspace.id, WEEK, business=False).overall[0] == 3600


def test_conversations_handled_count_each_conversation_once_over_the_range(db):
    workspace, channel, ana, beto = _setup()
    start = local("2026-03-10 10:00")
    first = exchange(channel, start, 60, ana, resolve_after=600)
    make_message(first, Direction.OUT, created_at=start + timedelta(days=1), sender_id=ana.id)
    make_message(first, Direction.OUT, created_at=start + timedelta(days=2), sender_id=beto.id)
    exchange(channel, start, 120, ana)
    refresh(workspace)
    activity = queries.agent_activity(workspace.id, WEEK)
    assert activity[ana.id] == {"handled": 2, "replies": 3, "resolutions": 1}
    assert activity[beto.id] == {"handled": 1, "replies": 1, "resolutions": 0}
    assert queries.totals(workspace.id, WEEK) == {
        "messages_in": 2,
        "messages_out": 4,
        "new_conversations": 2,
        "replies": 4,
        "resolutions": 1,
    }


def test_refreshing_again_changes_nothing_and_picks_up_new_messages(db):
    workspace, channel, ana, _ = _setup()
    conversation = exchange(channel, local("2026-03-10 10:00"), 60, ana)
    refresh(workspace)
    refresh(workspace)
    assert queries.totals(workspace.id, WEEK)["messages_in"] == 1
    make_message(conversation, Direction.IN, created_at=local("2026-03-11 10:00"))
    refresh(workspace)
    assert queries.totals(workspace.id, WEEK)["messages_in"] == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DailyRollup)) == 3  # in+out on 10th, in on 11th


def test_an_empty_range_has_zeros_and_no_samples(db):
    workspace, _, _, _ = _setup()
    refresh(workspace)
    assert queries.volume_by_day(workspace.id, WEEK)[0] == (date(2026, 3, 9), 0, 0, 0)
    assert queries.first_response_times(workspace.id, WEEK, business=False).overall == (None, None)
    assert queries.agent_activity(workspace.id, WEEK) == {}


def test_the_report_job_uses_the_business_hours_set_in_the_inbox(db, run_jobs):
    workspace, channel, ana, _ = _setup()
    settings = settings_of(workspace)
    settings.business_hours = {day: ["09:00", "17:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
    db.session.commit()
    exchange(channel, local("2026-03-13 16:30"), int(timedelta(days=2, hours=16, minutes=45).total_seconds()), ana)
    enqueue(refresh_workspace_reports, workspace.id, True)
    run_jobs()
    assert db.session.scalar(sa.select(ReportConversation.first_response_business_seconds)) == 2700
