"""The periodic refresh keeps every open workspace's reports fresh, on a real RQ worker."""

from datetime import date, timedelta

import sqlalchemy as sa

from app.jobs import enqueue
from app.jobs.reports import refresh_reports
from app.jobs.schedule import periodic_job_definitions
from app.models import Channel, DailyRollup, ReportState, utcnow
from app.reports import queries
from app.reports.period import ReportRange
from tests.factories import make_channel, make_workspace
from tests.integration.reports.helpers import exchange, local

MX = "America/Mexico_City"
WEEK = ReportRange(date(2026, 3, 9), date(2026, 3, 15), "custom", MX)


def test_refresh_reports_is_scheduled():
    assert refresh_reports in [p.func for p in periodic_job_definitions()]


def test_periodic_refresh_fills_each_open_workspace_and_skips_closed_ones(db, run_jobs):
    first, second, closed = (make_workspace(timezone=MX) for _ in range(3))
    for workspace in (first, second, closed):
        exchange(make_channel(workspace), local("2026-03-10 10:00"))
    closed.closed_at = utcnow()
    db.session.commit()
    ids = first.id, second.id, closed.id
    enqueue(refresh_reports)
    run_jobs()
    assert queries.totals(ids[0], WEEK)["messages_in"] == 1
    assert queries.totals(ids[1], WEEK)["messages_in"] == 1
    refreshed = set(db.session.scalars(sa.select(ReportState.workspace_id)))
    assert refreshed == {ids[0], ids[1]}
    assert db.session.scalar(sa.select(sa.func.count()).where(DailyRollup.workspace_id == ids[2])) == 0


def test_a_second_periodic_run_only_rereads_recent_days_and_keeps_older_ones(db, run_jobs):
    workspace = make_workspace(timezone=MX)
    channel = make_channel(workspace)
    workspace_id, channel_id = workspace.id, channel.id
    exchange(channel, local("2026-03-10 10:00"))
    enqueue(refresh_reports)
    run_jobs()
    exchange(db.session.get(Channel, channel_id), utcnow())
    enqueue(refresh_reports)
    run_jobs()
    assert queries.totals(workspace_id, WEEK)["messages_in"] == 1  # the March day was kept, not rebuilt away
    until_tomorrow = ReportRange(WEEK.start, date.today() + timedelta(days=1), "custom", MX)
    assert queries.totals(workspace_id, until_tomorrow)["messages_in"] == 2
