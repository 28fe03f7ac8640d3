"""Campaign fan-out benchmark: real workers (processes), PostgreSQL, Redis and a local fake provider.

The fake provider (Twilio- and WhatsApp-shaped endpoints) logs every arrival time and can enforce
a per-account limit per second (answering 429 above it). Scenarios:
  throughput  N recipients, no limit: messages/s including status rows; worker RSS, Redis memory,
              start request latency
  rates       three channels at once limited to 80, 100 and 30 per second: worst sliding 1-s window
              and mean rate as a share of each limit
  kill        a worker killed (SIGKILL) mid-run: duplicates and missing sends from the provider log

    .venv/bin/python bench/campaign.py [--recipients 100000] [--workers 4] [--database URL]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/conversa_bench_campaigns"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")


class FakeProvider:
    """Loopback provider: 201/200 with real shapes, an arrival log, optional limits per route id."""

    def __init__(self):
        self.arrivals: dict[str, list[tuple[float, str]]] = defaultdict(list)
        self.limits: dict[str, int] = {}
        self.rejected = 0
        self.lock = threading.Lock()
        self.count = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # one small answer per request: no 40 ms delayed-ACK stalls

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = self.path.strip("/").split("/")
                if "Accounts" in parts:  # Twilio: /twilio/2010-04-01/Accounts/<sid>/Messages.json
                    route, to = parts[parts.index("Accounts") + 1], parse_qs(body.decode()).get("To", [""])[0]
                else:  # Graph: /graph/<v>/<phone_number_id>/messages
                    route, to = parts[-2], json.loads(body or b"{}").get("to", "")
                now = time.monotonic()
                with owner.lock:
                    log = owner.arrivals[route]
                    limit = owner.limits.get(route)
                    recent = sum(1 for t, _ in log[-(limit or 1) :] if t > now - 1.0) if limit else 0
                    if limit and recent >= limit:
                        owner.rejected += 1
                        return self._answer(429, {"code": 20429, "message": "Too Many Requests", "status": 429})
                    log.append((now, to))
                    owner.count += 1
                    n = owner.count
                if "Accounts" in parts:
                    self._answer(201, {"sid": f"SM{n:032x}", "status": "queued", "to": to})
                else:
                    self._answer(200, {"messaging_product": "whatsapp", "messages": [{"id": f"wamid.{n}"}]})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                head = f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
                self.wfile.write(head.encode() + data)  # one segment: no delayed-ACK stall between head and body

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def reset(self):
        with self.lock:
            self.arrivals.clear()
            self.rejected = 0


def build_app(database: str, provider: FakeProvider):
    from app import create_app
    from tests.conftest import _create_pg_database

    if database.startswith("postgresql"):
        _create_pg_database(database)
    settings = {
        "SQLALCHEMY_DATABASE_URI": database.replace("postgresql://", "postgresql+psycopg://", 1),
        "REDIS_URL": REDIS_URL,
        "JOBS_MODE": "rq",
        "SECRET_KEY": "bench",
        "TWILIO_API_URL": provider.url + "/twilio",
        "META_GRAPH_URL": provider.url + "/graph",
        "BASE_URL": "http://localhost",
    }
    return create_app(settings), settings


def worker_env(settings: dict, database: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database,
        REDIS_URL=settings["REDIS_URL"],
        JOBS_MODE="rq",
        SECRET_KEY="bench",
        TWILIO_API_URL=settings["TWILIO_API_URL"],
        META_GRAPH_URL=settings["META_GRAPH_URL"],
        BASE_URL="http://localhost",
        FLASK_APP="wsgi",
    )
    return env


def start_workers(count: int, env: dict) -> list[subprocess.Popen]:
    flask = str(ROOT / ".venv" / "bin" / "flask")
    return [
        subprocess.Popen([flask, "worker"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(count)
    ]


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for w in workers:
        w.send_signal(signal.SIGTERM)
    for w in workers:
        w.wait(timeout=60)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def seed(workspace, channels: list, per_channel: list[int], tag: str) -> None:
    """Contacts with phone numbers and consent on the channel kind, inserted in bulk."""
    from app.extensions import db
    from app.models import ConsentEvent, Contact, ContactTag, Tag, utcnow

    tag_row = Tag(workspace_id=workspace.id, name=tag)
    db.session.add(tag_row)
    db.session.flush()
    now = utcnow()
    base = 5500000000 + int(time.time()) % 1000 * 100000
    serial = 0
    for channel, count in zip(channels, per_channel, strict=True):
        for start in range(0, count, 5000):
            rows = []
            for _ in range(min(5000, count - start)):
                serial += 1
                rows.append(
                    {
                        "workspace_id": workspace.id,
                        "name": f"P {serial}",
                        "phone": f"+52{base + serial}",
                        "custom_fields": {},
                        "notes": "",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            ids = [
                r[0]
                for r in db.session.execute(
                    sa.insert(Contact).returning(Contact.id, sort_by_parameter_order=True), rows
                )
            ]
            db.session.execute(sa.insert(ContactTag), [{"contact_id": i, "tag_id": tag_row.id} for i in ids])
            db.session.execute(
                sa.insert(ConsentEvent),
                [
                    {
                        "workspace_id": workspace.id,
                        "contact_id": i,
                        "channel": channel.kind,
                        "status": "granted",
                        "source": "import",
                        "evidence": "bench",
                        "created_at": now,
                    }
                    for i in ids
                ],
            )
            db.session.commit()


def make_campaign(workspace, channel, tag: str, client, headers) -> tuple[int, float]:
    body = {
        "name": f"bench {channel.id}",
        "channel_id": channel.id,
        "audience": {"tags": [tag]},
        "body": "Hola {{ first_name }}",
    }
    if channel.kind == "whatsapp":
        body = {
            **body,
            "body": "",
            "template": {"name": "promo", "language": "es_MX", "variables": ["{{ first_name }}"]},
        }
    campaign_id = client.post("/api/v1/campaigns", json=body, headers=headers).get_json()["id"]
    return campaign_id, 0.0


def start(client, headers, campaign_id: int) -> float:
    began = time.perf_counter()
    response = client.post(f"/api/v1/campaigns/{campaign_id}/start", headers=headers)
    assert response.status_code == 202, response.get_json()
    return (time.perf_counter() - began) * 1000


def windows(arrivals: list[float]) -> tuple[int, float]:
    """(worst count in any sliding one-second window, mean rate over the run)."""
    arrivals = sorted(arrivals)
    worst, j = 0, 0
    for i, t in enumerate(arrivals):
        while arrivals[j] <= t - 1.0:
            j += 1
        worst = max(worst, i - j + 1)
    span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else 1.0
    return worst, (len(arrivals) - 1) / span if span else 0.0


def setup(app, kinds_rates: list[tuple[str, float]]):
    from app.auth import accounts
    from app.auth.api_tokens import create_token
    from app.extensions import db
    from app.models import Channel, ChannelKind, Membership

    owner = accounts.create_user(
        email=f"bench{time.time_ns()}@example.com", name="Bench", password="correct horse battery"
    )
    workspace = accounts.create_workspace("Bench", owner)
    db.session.commit()
    channels = []
    for n, (kind, rate) in enumerate(kinds_rates):
        if kind == "sms":
            settings = {"account_sid": f"AC{n:032d}", "from_number": "+15557654321"}
            credentials = {"auth_token": "t"}
            external = "+15557654321"
        else:
            settings = {"phone_number_id": f"10654035224{n:04d}", "waba_id": "1"}
            credentials = {"access_token": "t"}
            external = settings["phone_number_id"]
        channel = Channel(
            workspace_id=workspace.id,
            kind=ChannelKind(kind),
            name=f"{kind} {n}",
            external_id=external,
            settings=settings,
            rate_per_second=rate,
        )
        channel.credentials = credentials
        db.session.add(channel)
        channels.append(channel)
    db.session.commit()
    membership = db.session.scalar(sa.select(Membership).where(Membership.workspace_id == workspace.id))
    _row, raw = create_token(membership, "bench")
    db.session.commit()
    return workspace, channels, {"Authorization": f"Bearer {raw}"}


def route_of(channel) -> str:
    return channel.settings.get("account_sid") or channel.settings["phone_number_id"]


def wait_done(campaign_ids: list[int], workers: list, env: dict, count: int, timeout: float) -> None:
    from app.extensions import db
    from app.models import Campaign

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.remove()
        states = db.session.scalars(sa.select(Campaign.status).where(Campaign.id.in_(campaign_ids))).all()
        if all(s == "completed" for s in states):
            return
        time.sleep(0.2)
    raise SystemExit(f"campaigns {campaign_ids} did not finish in {timeout} s")


def throughput(app, provider, env, recipients: int, workers_count: int) -> None:
    from app.campaigns import reports
    from app.jobs import redis_connection

    workspace, [channel], headers = setup(app, [("sms", 0)])
    seed(workspace, [channel], [recipients], "all")
    client = app.test_client()
    campaign_id, _ = make_campaign(workspace, channel, "all", client, headers)
    latency = start(client, headers, campaign_id)
    began = time.monotonic()
    workers = start_workers(workers_count, env)
    peak_rss, peak_redis = 0.0, 0
    watcher_stop = threading.Event()
    redis = redis_connection()

    def watch():
        nonlocal peak_rss, peak_redis
        while not watcher_stop.is_set():
            peak_rss = max([peak_rss, *(rss_mb(w.pid) for w in workers)])
            peak_redis = max(peak_redis, redis.info("memory")["used_memory"])
            time.sleep(0.2)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    wait_done([campaign_id], workers, env, workers_count, timeout=1800)
    elapsed = time.monotonic() - began
    watcher_stop.set()
    thread.join()
    stop_workers(workers)
    counts = reports.counts(campaign_id)
    print(
        f"throughput: {recipients} recipients, {workers_count} workers: {counts['sent'] / elapsed:.0f} messages/s "
        f"({elapsed:.1f} s, sent {counts['sent']}, failed {counts['failed']}); start request {latency:.0f} ms; "
        f"peak worker RSS {peak_rss:.0f} MB; peak Redis used_memory {peak_redis / 1e6:.1f} MB"
    )


def rates(app, provider, env, seconds: int, workers_count: int) -> None:
    limits = [("whatsapp", 80), ("sms", 100), ("sms", 30)]
    workspace, channels, headers = setup(app, [(k, r) for k, r in limits])
    routes = [route_of(channel) for channel in channels]
    for route, (_k, limit) in zip(routes, limits, strict=True):
        provider.limits[route] = limit
    per_channel = [limit * seconds for _k, limit in limits]
    seed(workspace, channels, per_channel, "rates")
    client = app.test_client()
    provider.reset()
    ids = []
    for channel in channels:
        # one tag for all: each campaign reaches every contact, but only those consented on its kind are sent
        ids.append(make_campaign(workspace, channel, "rates", client, headers)[0])
    for campaign_id in ids:
        start(client, headers, campaign_id)
    workers = start_workers(workers_count, env)
    wait_done(ids, workers, env, workers_count, timeout=seconds * 6 + 120)
    stop_workers(workers)
    for route, (kind, limit) in zip(routes, limits, strict=True):
        times = [t for t, _ in provider.arrivals[route]]
        worst, mean = windows(times)
        print(
            f"rates: {kind} limit {limit}/s: {len(times)} sent, worst 1-s window {worst}, "
            f"mean {mean:.1f}/s = {100 * mean / limit:.1f} % of the limit"
        )
    print(f"rates: provider 429 answers: {provider.rejected}")


def kill(app, provider, env, recipients: int, workers_count: int) -> None:
    from app.campaigns import fanout
    from app.extensions import db
    from app.models import CampaignRecipient

    workspace, [channel], headers = setup(app, [("sms", 0)])
    seed(workspace, [channel], [recipients], "kill")
    client = app.test_client()
    provider.reset()
    campaign_id, _ = make_campaign(workspace, channel, "kill", client, headers)
    start(client, headers, campaign_id)
    workers = start_workers(workers_count, env)
    route = route_of(channel)
    while len(provider.arrivals[route]) < recipients // 3:
        time.sleep(0.01)
    os.kill(workers[0].pid, signal.SIGKILL)
    workers[0].wait()
    killed = workers.pop(0)
    time.sleep(0.5)
    db.session.remove()
    decided = fanout.sweep_stale(older_than=__import__("datetime").timedelta(seconds=0))
    # the survivors may have finished only their own batches: restart chains for what was requeued
    from app.jobs import enqueue
    from app.jobs.campaigns import send_campaign_batch

    enqueue(send_campaign_batch, campaign_id)
    wait_done([campaign_id], workers, env, workers_count - 1, timeout=600)
    stop_workers(workers)
    db.session.remove()
    sent_to = [to for _, to in provider.arrivals[route]]
    duplicates = len(sent_to) - len(set(sent_to))
    rows = db.session.execute(
        sa.select(CampaignRecipient.address, CampaignRecipient.state, CampaignRecipient.error).where(
            CampaignRecipient.campaign_id == campaign_id
        )
    ).all()
    unknown = [a for a, s, e in rows if s == "failed" and e == fanout.UNKNOWN]
    missing = [a for a, s, e in rows if a not in set(sent_to) and a not in set(unknown)]
    unknown_delivered = sum(1 for a in unknown if a in set(sent_to))
    print(
        f"kill: worker {killed.pid} killed after {recipients // 3} of {recipients}: sweep {decided}; "
        f"duplicates {duplicates}; missing {len(missing)}; marked unknown (not resent) {len(unknown)}, "
        f"of which the provider had received {unknown_delivered}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rate-seconds", type=int, default=20)
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--only", choices=["throughput", "rates", "kill"])
    args = parser.parse_args()
    provider = FakeProvider()
    app, settings = build_app(args.database, provider)
    env = worker_env(settings, args.database)
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        app.extensions["redis"].flushdb()
        if args.only in (None, "throughput"):
            throughput(app, provider, env, args.recipients, args.workers)
        if args.only in (None, "rates"):
            rates(app, provider, env, args.rate_seconds, args.workers)
        if args.only in (None, "kill"):
            kill(app, provider, env, min(args.recipients, 20_000), args.workers)


if __name__ == "__main__":
    main()
