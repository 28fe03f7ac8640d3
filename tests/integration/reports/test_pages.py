"""Report pages and CSV export: who may see them, what they show, and nothing from another workspace."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import AuditEvent, ChannelKind, ConversationStatus, Role
from tests.factories import make_channel, make_member, make_workspace, member_of
from tests.integration.reports.helpers import exchange, local, refresh

MX = "America/Mexico_City"
RANGE = "range=custom&start=2026-03-09&end=2026-03-15"
PAGES = ["/reports/overview", "/reports/responsiveness", "/reports/agents"]


def _busy_workspace(name="Panadería", channel_name="WhatsApp ventas"):
    workspace = make_workspace(name=name, timezone=MX)
    channel = make_channel(workspace, ChannelKind.WHATSAPP, name=channel_name)
    agent = make_member(workspace, Role.AGENT, name=f"Agent of {name}")
    start = local("2026-03-10 10:00")
    for n, seconds in enumerate([60, 120, 300]):
        exchange(channel, start + timedelta(hours=n), seconds, agent, resolve_after=3600)
    refresh(workspace)
    return workspace, agent


@pytest.mark.parametrize("url", PAGES)
def test_admins_see_each_report_with_a_chart_and_its_table(client, login_as, url):
    workspace, _ = _busy_workspace()
    login_as(make_member(workspace, Role.ADMIN), workspace)
    page = client.get(f"{url}?{RANGE}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<svg class="chart"' in html and 'role="img"' in html
    assert "<table" in html and "Download CSV" in html
    assert "script" not in html.split("<main", 1)[1].split("</main>")[0].replace("<noscript>", "")


@pytest.mark.parametrize("url", [*PAGES, "/reports/overview/volume_by_day.csv"])
def test_agents_are_refused_and_visitors_sent_to_sign_in(client, login_as, url):
    workspace, agent = _busy_workspace()
    assert client.get(url).status_code == 302
    login_as(agent, workspace)
    assert client.get(url).status_code == 403


def test_overview_csv_lists_every_local_day_with_its_counts(client, login_as, db):
    workspace, _ = _busy_workspace()
    owner = login_as(member_of(workspace), workspace)
    response = client.get("/reports/overview/volume_by_day.csv?range=custom&start=2026-03-09&end=2026-03-11")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="overview-volume_by_day-2026-03-09-2026-03-11.csv"' in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True) == (
        "Day,Received,Sent,New conversations\r\n2026-03-09,0,0,0\r\n2026-03-10,3,3,3\r\n2026-03-11,0,0,0\r\n"
    )
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "report.export"))
    assert event.actor_id == owner.id and event.target == "overview/volume_by_day"


def test_responsiveness_csv_gives_durations_in_seconds(client, login_as):
    workspace, agent = _busy_workspace()
    login_as(member_of(workspace), workspace)
    text = client.get(f"/reports/responsiveness/by_agent.csv?{RANGE}").get_data(as_text=True)
    header, row = text.splitlines()
    assert header == (
        "Agent,Median first response (seconds),90th percentile first response (seconds),Conversations answered,"
        "Median resolution (seconds),90th percentile resolution (seconds),Conversations resolved"
    )
    assert row == f"{agent.name},120,264,3,3600,3600,3"  # 60 120 300: p90 at 1.8 → 120 + 0.8 × 180


def test_every_table_of_every_page_exports(client, login_as):
    workspace, _ = _busy_workspace()
    login_as(member_of(workspace), workspace)
    tables = {
        "overview": ["summary", "volume_by_day", "volume_by_channel", "backlog"],
        "responsiveness": ["summary", "waiting", "by_day", "by_agent", "by_channel"],
        "agents": ["agents"],
    }
    for page, keys in tables.items():
        for key in keys:
            response = client.get(f"/reports/{page}/{key}.csv?{RANGE}")
            assert response.status_code == 200, (page, key)
    assert client.get("/reports/overview/nothing.csv").status_code == 404


def test_an_empty_workspace_shows_empty_tables_not_errors(client, login_as):
    workspace = make_workspace(timezone=MX)
    login_as(member_of(workspace), workspace)
    for url in PAGES:
        page = client.get(url)
        assert page.status_code == 200
    assert "Nothing in this period." in client.get("/reports/overview").get_data(as_text=True)
    csv = client.get("/reports/responsiveness/by_channel.csv").get_data(as_text=True)
    assert csv.count("\r\n") == 1  # the header only


def test_another_workspaces_numbers_never_appear(client, login_as):
    mine, _ = _busy_workspace("Mine", "My line")
    theirs = make_workspace(name="Theirs", timezone=MX)
    their_channel = make_channel(theirs, ChannelKind.SMS, name="Their secret line")
    stranger = make_member(theirs, Role.AGENT, name="Stranger Danger")
    for n in range(7):
        exchange(their_channel, local("2026-03-10 10:00") + timedelta(minutes=n), 999, stranger)
    refresh(theirs)
    login_as(member_of(mine), mine)
    for url in PAGES:
        html = client.get(f"{url}?{RANGE}").get_data(as_text=True)
        assert "Their secret line" not in html and "Stranger Danger" not in html
    csv = client.get(f"/reports/overview/volume_by_channel.csv?{RANGE}").get_data(as_text=True)
    assert csv.splitlines()[1:] == ["My line,whatsapp,3,3,3"]


def test_a_bad_custom_range_falls_back_to_30_days_with_a_message(client, login_as):
    workspace = make_workspace(timezone=MX)
    login_as(member_of(workspace), workspace)
    html = client.get("/reports/overview?range=custom&start=2026-03-10&end=2026-03-01").get_data(as_text=True)
    assert "That date range is not valid" in html


def test_comparison_with_the_previous_period(client, login_as):
    workspace, _ = _busy_workspace()
    login_as(member_of(workspace), workspace)
    csv = client.get("/reports/overview/summary.csv?range=custom&start=2026-03-16&end=2026-03-22").get_data(
        as_text=True
    )
    assert csv.splitlines()[:2] == [
        "Measure,This period,Previous period,Difference (%)",
        "Messages received,0,3,-100.0",
    ]


def test_refresh_button_runs_the_job_on_a_worker(client, login_as, run_jobs, db):
    workspace = make_workspace(timezone=MX)
    channel = make_channel(workspace)
    exchange(channel, local("2026-03-10 10:00"))
    login_as(member_of(workspace), workspace)
    assert client.post("/reports/refresh").status_code == 302
    run_jobs()
    csv = client.get(f"/reports/overview/summary.csv?{RANGE}").get_data(as_text=True)
    assert "Messages received,1,0," in csv


def test_backlog_counts_open_and_pending_conversations_per_channel(client, login_as, db):
    workspace = make_workspace(timezone=MX)
    channel = make_channel(workspace, name="Front desk")
    for status in (ConversationStatus.OPEN, ConversationStatus.OPEN, ConversationStatus.PENDING):
        conversation = exchange(channel, local("2026-03-10 10:00"))
        conversation.status = status
    exchange(channel, local("2026-03-10 10:00"), resolve_after=60)
    db.session.commit()
    refresh(workspace)
    login_as(member_of(workspace), workspace)
    csv = client.get("/reports/overview/backlog.csv").get_data(as_text=True)
    assert csv.splitlines() == ["Channel,Open,Pending", "Front desk,2,1"]
