"""Reports benchmark: page server time at a million messages on PostgreSQL, and the rollup job.

Prints numbers only. Uses BENCH_DATABASE_URL (default a throwaway `conversa_bench_reports`
database on the local PostgreSQL, dropped and re-created) and REDIS_URL (default db 12).
BENCH_REUSE=1 keeps the database of the previous run and only times the pages.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.auth import accounts  # noqa: E402
from app.extensions import db  # noqa: E402
from app.jobs.reports import refresh_workspace_reports  # noqa: E402
from app.models import Channel, ChannelKind, Contact, Conversation, Membership, Role, User, utcnow  # noqa: E402

URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/conversa_bench_reports")
MESSAGES = int(os.environ.get("BENCH_MESSAGES", "1000000"))
PER_CONVERSATION = 10
DAYS = 365
REQUESTS = 40
PAGES = ["overview", "responsiveness", "agents", "campaigns"]


def recreate(url: str) -> str:
    target = sa.engine.make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    return target.render_as_string(hide_password=False)


def reuse_or_recreate(url: str) -> str:
    if os.environ.get("BENCH_REUSE"):
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return recreate(url)


def vacuum() -> None:
    """What autovacuum does in production: statistics, and visibility maps for index-only scans."""
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))


def seed() -> tuple[int, int]:
    """One workspace, 4 channels, 6 agents, MESSAGES messages over a year; returns (workspace id, owner id)."""
    rng = random.Random(7)
    owner = accounts.create_user(email="owner@example.com", name="Owner", password="bench password 1")
    workspace = accounts.create_workspace("Bench", owner)
    workspace.timezone = "America/Mexico_City"
    agents = [
        accounts.create_user(email=f"agent{i}@example.com", name=f"Agent {i}", password="bench password 1")
        for i in range(6)
    ]
    db.session.add_all(Membership(workspace_id=workspace.id, user_id=a.id, role=Role.AGENT) for a in agents)
    kinds = [ChannelKind.WHATSAPP, ChannelKind.MESSENGER, ChannelKind.SMS, ChannelKind.EMAIL]
    channels = [Channel(workspace_id=workspace.id, kind=k, name=k.value.title()) for k in kinds]
    db.session.add_all(channels)
    db.session.flush()
    conversations = MESSAGES // PER_CONVERSATION
    contacts = [{"workspace_id": workspace.id, "name": f"Customer {i}"} for i in range(conversations // 5)]
    db.session.execute(sa.insert(Contact), contacts)
    contact_ids = list(db.session.scalars(sa.select(Contact.id)))
    now = utcnow()
    rows, messages = [], []
    for n in range(conversations):
        started = now - timedelta(days=rng.random() * DAYS)
        channel = rng.choice(channels)
        agent = rng.choice(agents)
        resolved = rng.random() < 0.8
        at = started
        times = []
        for i in range(PER_CONVERSATION):
            times.append((at, i % 2 == 0))
            at += timedelta(seconds=rng.randint(30, 4 * 3600))
        rows.append(
            {
                "workspace_id": workspace.id,
                "channel_id": channel.id,
                "contact_id": contact_ids[n % len(contact_ids)],
                "status": "resolved" if resolved else "open",
                "assignee_id": agent.id,
                "created_at": started,
                "last_message_at": at,
                "resolved_at": at if resolved else None,
            }
        )
        messages.append((channel.id, agent.id, times))
    db.session.execute(sa.insert(Conversation), rows)
    ids = list(db.session.scalars(sa.select(Conversation.id).order_by(Conversation.id)))
    db.session.commit()
    raw = db.engine.raw_connection()
    with raw.cursor() as cursor:
        copy_sql = (
            "COPY message (workspace_id, conversation_id, channel_id, direction, kind, text, status, sender_id,"
            " is_echo, attempts, meta, created_at) FROM STDIN"
        )
        with cursor.copy(copy_sql) as copy:
            for conversation_id, (channel_id, agent_id, times) in zip(ids, messages, strict=True):
                for at, inbound in times:
                    copy.write_row(
                        (
                            workspace.id,
                            conversation_id,
                            channel_id,
                            "in" if inbound else "out",
                            "message",
                            "hello",
                            "received" if inbound else "sent",
                            None if inbound else agent_id,
                            False,
                            0,
                            "{}",
                            at,
                        )
                    )
    raw.commit()
    raw.close()
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    return workspace.id, owner.id


def build() -> tuple[int, int]:
    upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    started = time.perf_counter()
    workspace_id, owner_id = seed()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("message")))
    print(f"seeded   {count} messages in {time.perf_counter() - started:6.1f} s")
    started = time.perf_counter()
    refresh_workspace_reports(workspace_id, full=True)
    print(f"rollups  full rebuild (a year)     {time.perf_counter() - started:7.2f} s")
    started = time.perf_counter()
    refresh_workspace_reports(workspace_id)
    print(f"rollups  periodic refresh (~2 days) {time.perf_counter() - started:7.2f} s")
    return workspace_id, owner_id


def timed(client, path: str) -> tuple[float, float]:
    samples = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    ordered = sorted(samples)
    return statistics.median(samples), ordered[int(0.9 * len(ordered))]


def main() -> None:
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": reuse_or_recreate(URL),
            "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/12"),
            "JOBS_MODE": "rq",
        }
    )
    with app.app_context():
        if os.environ.get("BENCH_REUSE"):
            workspace_id, owner_id = 1, 1
        else:
            workspace_id, owner_id = build()
        vacuum()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = db.session.get(User, owner_id).get_id()
            session["_fresh"] = True
        for preset in ("30d", "90d"):
            for page in PAGES:
                p50, p90 = timed(client, f"/reports/{page}?range={preset}")
                print(f"GET /reports/{page:<15} {preset:>4}  p50 {p50:6.1f} ms   p90 {p90:6.1f} ms")
        p50, p90 = timed(client, "/reports/overview/volume_by_day.csv?range=90d")
        print(f"GET volume_by_day.csv         90d  p50 {p50:6.1f} ms   p90 {p90:6.1f} ms")


if __name__ == "__main__":
    main()
