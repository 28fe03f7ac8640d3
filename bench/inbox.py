"""Inbox benchmark: 10k conversations over six channels with 100k then 1M messages, on PostgreSQL and SQLite.

Measures the inbox page (a list of 25 + an open conversation of 50 messages) as a signed-in agent:
server time p50/p99 at one client, pages/s at 8 connections as a ratio to a bare route, SQL statements
per page, the 1M / 100k time ratio, search time, and live-update latency (store → poll → thread) with
50 polling clients. Prints numbers only.

    .venv/bin/python bench/inbox.py            # full: 10k conversations, 100k and 1M messages
    .venv/bin/python bench/inbox.py --quick    # 1k conversations, 10k and 100k messages
    options: --db sqlite|postgresql|both, --pg-url URL (its database is dropped and re-created)
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from app.auth import accounts  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    Channel,
    ChannelKind,
    Contact,
    ContactIdentity,
    Conversation,
    ConversationStatus,
    Direction,
    Message,
    MessageKind,
    MessageStatus,
    utcnow,
)

PASSWORD = "bench password 123"  # noqa: S105
WORDS = (
    "order pickup delivery croissant refund table booking menu price vegan gluten coffee latte cake "
    "pedido entrega mesa reserva precio pastel horario gracias hola tarjeta factura envío cambio"
).split()
rng = random.Random(5)  # noqa: S311  (reproducible data, nothing secret)


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _pg_url(url: str) -> str:
    target = sa.engine.make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    return target.render_as_string(hide_password=False)


def build_app(url: str):
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 20, "max_overflow": 40} if url.startswith("postgresql") else {},
            "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/12"),
            "JOBS_MODE": "inline",
            "RUN_PERIODIC_INLINE": False,
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    app.add_url_rule("/bench-bare", "bench_bare", lambda: "ok")
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    return app


def seed_conversations(count: int) -> tuple[int, str, list[int]]:
    owner = accounts.create_user(email="agent@bench.example", name="Bench Agent", password=PASSWORD)
    workspace = accounts.create_workspace("Bench", owner)
    db.session.flush()
    channels = []
    for kind in ChannelKind:
        channel = Channel(workspace_id=workspace.id, kind=kind, name=kind.value, external_id=f"bench-{kind.value}")
        channel.credentials = {}
        db.session.add(channel)
        channels.append(channel)
    db.session.flush()
    now = utcnow()
    names = [f"{rng.choice(['Ana', 'Luis', 'Emma', 'Noah', 'Sofía', 'Mateo'])} {n}" for n in range(count)]
    db.session.execute(sa.insert(Contact), [{"workspace_id": workspace.id, "name": name} for name in names])
    contact_ids = list(db.session.scalars(sa.select(Contact.id).order_by(Contact.id)))
    rows = [
        {"workspace_id": workspace.id, "contact_id": cid, "channel_id": channels[n % 6].id, "external_id": f"x{n}"}
        for n, cid in enumerate(contact_ids)
    ]
    db.session.execute(sa.insert(ContactIdentity), rows)
    statuses = [ConversationStatus.OPEN] * 6 + [ConversationStatus.PENDING, ConversationStatus.RESOLVED] * 2
    rows = [
        {
            "workspace_id": workspace.id,
            "channel_id": channels[n % 6].id,
            "contact_id": cid,
            "status": rng.choice(statuses),
            "last_message_at": now - timedelta(minutes=n),
            "last_inbound_at": now - timedelta(minutes=n),
            "preview": " ".join(rng.choices(WORDS, k=6)),
            "unread_count": rng.choice([0, 0, 0, 1, 2]),
            "created_at": now - timedelta(days=30),
        }
        for n, cid in enumerate(contact_ids)
    ]
    db.session.execute(sa.insert(Conversation), rows)
    db.session.commit()
    ids = list(db.session.scalars(sa.select(Conversation.id).order_by(Conversation.id)))
    return workspace.id, "agent@bench.example", ids


def seed_messages(workspace_id: int, conversation_ids: list[int], per_conversation: int, offset: int) -> None:
    channel_of = dict(db.session.execute(sa.select(Conversation.id, Conversation.channel_id)).all())
    start = utcnow() - timedelta(days=30)
    batch: list[dict] = []
    for cid in conversation_ids:
        for n in range(per_conversation):
            inbound = (n + offset) % 2 == 0
            batch.append(
                {
                    "workspace_id": workspace_id,
                    "conversation_id": cid,
                    "channel_id": channel_of[cid],
                    "direction": Direction.IN if inbound else Direction.OUT,
                    "kind": MessageKind.MESSAGE,
                    "text": " ".join(rng.choices(WORDS, k=8)),
                    "status": MessageStatus.RECEIVED if inbound else MessageStatus.READ,
                    "created_at": start + timedelta(seconds=(offset + n) * 60 + cid % 60),
                    "meta": {},
                    "is_echo": False,
                    "attempts": 0,
                }
            )
            if len(batch) >= 20000:
                db.session.execute(sa.insert(Message), batch)
                batch.clear()
    if batch:
        db.session.execute(sa.insert(Message), batch)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    else:
        db.session.execute(sa.text("ANALYZE"))


def signed_in_client(app, email: str):
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    return client


def count_statements(app, client, path: str) -> int:
    counted = []

    def count(*_args):
        counted.append(1)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return len(counted)


def time_pages(client, paths: list[str], requests_count: int) -> tuple[float, float]:
    samples = []
    for n in range(requests_count):
        started = time.perf_counter()
        response = client.get(paths[n % len(paths)])
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(samples), percentile(samples, 0.99)


def throughput(base: str, cookies: dict, paths: list[str], seconds: float, threads: int = 8) -> float:
    done = []
    stop = time.perf_counter() + seconds

    def worker(k: int) -> None:
        session = requests.Session()
        session.cookies.update(cookies)
        n = 0
        while time.perf_counter() < stop:
            assert session.get(base + paths[(k + n * threads) % len(paths)], timeout=30).status_code == 200
            n += 1
        done.append(n)

    pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


def live_latency(app, base: str, cookies: dict, conversation_id: int, clients: int, rounds: int) -> list[float]:
    """Store → a polling tab (1 s period, like static/js/inbox.js) fetches the thread with the new text."""
    seen: dict[tuple[int, int], float] = {}
    stored: dict[int, float] = {}
    stop = threading.Event()

    def tab(k: int) -> None:
        session = requests.Session()
        session.cookies.update(cookies)
        etag = None
        round_seen = set()
        time.sleep(k / clients)  # tabs are not in step
        while not stop.is_set():
            headers = {"If-None-Match": etag} if etag else {}
            answer = session.get(f"{base}/inbox/poll?conversation={conversation_id}", headers=headers, timeout=30)
            if answer.status_code == 200:
                changed = etag is not None
                etag = answer.headers["ETag"]
                if changed:
                    html = session.get(f"{base}/inbox/{conversation_id}/thread", timeout=30).text
                    for r in stored:
                        if r not in round_seen and f"bench live {r} " in html:
                            round_seen.add(r)
                            seen[(k, r)] = time.perf_counter()
            stop.wait(1.0)

    pool = [threading.Thread(target=tab, args=(k,), daemon=True) for k in range(clients)]
    for thread in pool:
        thread.start()
    time.sleep(2.5)
    for r in range(rounds):
        with app.app_context():
            conversation = db.session.get(Conversation, conversation_id)
            at = utcnow()
            db.session.add(
                Message(
                    workspace_id=conversation.workspace_id,
                    conversation_id=conversation.id,
                    channel_id=conversation.channel_id,
                    direction=Direction.IN,
                    text=f"bench live {r} ",
                    status=MessageStatus.RECEIVED,
                    created_at=at,
                )
            )
            conversation.last_message_at = at
            db.session.commit()
        stored[r] = time.perf_counter()
        time.sleep(2.5)
    stop.set()
    for thread in pool:
        thread.join(timeout=5)
    return [(seen[(k, r)] - stored[r]) * 1000 for (k, r) in seen]


def run(label: str, url: str, conversations: int, scales: tuple[int, int], samples: int, seconds: float) -> None:
    app = build_app(url)
    with app.app_context():
        workspace_id, email, ids = seed_conversations(conversations)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    session = requests.Session()
    session.post(base + "/login", data={"email": email, "password": PASSWORD})
    cookies = session.cookies.get_dict()
    client = signed_in_client(app, email)
    sample_ids = rng.sample(ids, 50)
    paths = [f"/inbox/{cid}" for cid in sample_ids]
    results = {}
    seeded = 0
    for total in scales:
        per = total // conversations
        started = time.perf_counter()
        with app.app_context():
            seed_messages(workspace_id, ids, per - seeded, seeded)
        seeded = per
        took = time.perf_counter() - started
        client.get(paths[0])  # warm up
        p50, p99 = time_pages(client, paths, samples)
        search50, _ = time_pages(client, ["/inbox?q=croissant&status=all", "/inbox?q=ana%2012&status=all"], 40)
        statements = count_statements(app, client, paths[1])
        page_rate = throughput(base, cookies, paths, seconds)
        bare_rate = throughput(base, cookies, ["/bench-bare"], seconds)
        results[total] = p50
        print(
            f"{label:<10} {conversations:>6} conv {total:>8} msgs (seeded in {took:5.1f} s): "
            f"page p50 {p50:6.2f} ms  p99 {p99:6.2f} ms | search p50 {search50:6.2f} ms | "
            f"{statements} SQL/page | 8 conns {page_rate:6.0f} pages/s vs bare {bare_rate:6.0f}/s "
            f"= {page_rate / bare_rate:4.2f}x"
        )
    small, large = scales
    print(f"{label:<10} time ratio {large:,} / {small:,} messages: {results[large] / results[small]:.2f}")
    latencies = live_latency(app, base, cookies, sample_ids[0], clients=50, rounds=4)
    if latencies:
        print(
            f"{label:<10} live update store→screen, 50 polling tabs: p50 {statistics.median(latencies):6.0f} ms "
            f"p99 {percentile(latencies, 0.99):6.0f} ms ({len(latencies)} observations of {50 * 4})"
        )
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1k conversations, 10k and 100k messages")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/conversa_bench_inbox")
    )
    args = parser.parse_args()
    conversations, scales = (1_000, (10_000, 100_000)) if args.quick else (10_000, (100_000, 1_000_000))
    samples, seconds = (100, 3.0) if args.quick else (300, 5.0)
    if args.db in ("sqlite", "both"):
        folder = tempfile.mkdtemp(prefix="conversa-bench-inbox-")
        run("sqlite", f"sqlite:///{folder}/bench.db", conversations, scales, samples, seconds)
    if args.db in ("postgresql", "both"):
        run("postgresql", _pg_url(args.pg_url), conversations, scales, samples, seconds)


if __name__ == "__main__":
    main()
