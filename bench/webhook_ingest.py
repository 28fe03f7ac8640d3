"""Webhook ingestion benchmark: gunicorn + an RQ worker + PostgreSQL + Redis, as in production.

A second process sends correctly signed Meta (Messenger, WhatsApp), Telegram and Twilio events
at a constant rate and the script prints: the bare "hello" rate (baseline), acknowledgement
p50/p99 at 500 events/s, the sustained webhook rate against the baseline, acknowledgement →
visible p50/p99 at 200 events/s, the drain rate of 100k stored events, worker memory, and the
count of lost and duplicated messages. Run: `.venv/bin/python bench/webhook_ingest.py`
(BENCH_DATABASE_URL, REDIS_URL and DRAIN_EVENTS override the defaults).
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from tests.fakes.signing import meta_headers, twilio_signature  # noqa: E402

DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/conversa_bench_ingest")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")
DRAIN_EVENTS = int(os.environ.get("DRAIN_EVENTS", "100000"))
APP_SECRET = "bench-app-secret"
GUNICORN = ["-w", "2", "-k", "gthread", "--threads", "8", "--keep-alive", "30", "--log-level", "warning"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = int(os.environ.get("BENCH_PORT") or free_port())
BASE_URL = f"http://127.0.0.1:{PORT}"
ENV = {
    **os.environ,
    "DATABASE_URL": DB_URL,
    "REDIS_URL": REDIS_URL,
    "JOBS_MODE": "rq",
    "BASE_URL": BASE_URL,
    "META_APP_SECRET": APP_SECRET,
    "SECRET_KEY": "bench-secret",
    "FLASK_APP": "bench._ingest_wsgi",
}


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def prepare() -> dict:
    """Fresh database and Redis, and one channel of each kind the load uses."""
    admin = sa.create_engine(DB_URL.replace("postgresql://", "postgresql+psycopg://").rsplit("/", 1)[0] + "/postgres")
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        name = DB_URL.rsplit("/", 1)[1]
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], env=ENV, cwd=ROOT, check=True, capture_output=True)
    code = """
import json
from app import create_app
from app.auth import accounts
from app.extensions import db
from app.jobs import redis_connection
from app.models import Channel, ChannelKind
app = create_app()
with app.app_context():
    redis_connection().flushdb()
    owner = accounts.create_user(email="bench@example.com", name="Bench", password="bench password 1")
    ws = accounts.create_workspace("Bench", owner)
    db.session.flush()
    out = {}
    specs = [("messenger", "1122334455", {"access_token": "t"}), ("whatsapp", "106540352242922", {"access_token": "t"}),
             ("telegram", "7000000001", {"bot_token": "1:A", "webhook_secret": "tg-secret"}),
             ("sms", "+15557654321", {"auth_token": "twilio-token"})]
    for kind, ext, creds in specs:
        ch = Channel(workspace_id=ws.id, kind=ChannelKind(kind), name=kind, external_id=ext,
                     settings={"account_sid": "AC1"})
        ch.credentials = creds
        db.session.add(ch)
        db.session.flush()
        out[kind] = {"id": ch.id, "key": ch.key}
    db.session.commit()
    print(json.dumps(out))
"""
    result = subprocess.run([sys.executable, "-c", code], env=ENV, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def build_event(n: int, channels: dict) -> tuple[str, bytes, dict, str]:
    """(path, body, headers, provider message id) for event n, rotating over four providers."""
    now = int(time.time())
    kind = ("telegram", "whatsapp", "sms", "messenger")[n % 4]
    if kind == "telegram":
        body = json.dumps(
            {
                "update_id": n,
                "message": {
                    "message_id": n,
                    "from": {"id": 1000 + n % 50, "is_bot": False, "first_name": "Ana"},
                    "chat": {"id": 1000 + n % 50, "type": "private"},
                    "date": now,
                    "text": f"hola {n}",
                },
            }
        ).encode()
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "tg-secret"}
        return f"/webhooks/telegram/{channels['telegram']['key']}", body, headers, f"{1000 + n % 50}:{n}"
    if kind == "sms":
        path = f"/webhooks/twilio/{channels['sms']['key']}"
        form = {"MessageSid": f"SM{n:032x}", "From": f"+1555000{n % 50:04d}", "To": "+15557654321", "Body": f"hi {n}"}
        form.update({"NumMedia": "0", "SmsStatus": "received", "AccountSid": "AC1"})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": twilio_signature("twilio-token", BASE_URL + path, form),
        }
        return path, urlencode(form).encode(), headers, form["MessageSid"]
    if kind == "whatsapp":
        wamid = f"wamid.bench{n:010d}"
        value = {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
            "contacts": [{"profile": {"name": "Sheena"}, "wa_id": f"52155{n % 50:05d}"}],
            "messages": [
                {
                    "from": f"52155{n % 50:05d}",
                    "id": wamid,
                    "timestamp": str(now),
                    "type": "text",
                    "text": {"body": "hola"},
                }
            ],
        }
        payload = {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"value": value, "field": "messages"}]}],
        }
        body = json.dumps(payload).encode()
        return "/webhooks/meta", body, meta_headers(body, APP_SECRET), wamid
    mid = f"m_bench{n:010d}"
    item = {
        "sender": {"id": f"65432{n % 50:05d}"},
        "recipient": {"id": "1122334455"},
        "timestamp": now * 1000,
        "message": {"mid": mid, "text": f"hola {n}"},
    }
    body = json.dumps(
        {"object": "page", "entry": [{"id": "1122334455", "time": now * 1000, "messaging": [item]}]}
    ).encode()
    return "/webhooks/meta", body, meta_headers(body, APP_SECRET), mid


def dedupe_key(n: int, path: str, body: bytes, channels: dict) -> str:
    """The key our store gives the event, to find when the worker applied it."""
    from app.webhooks.store import body_key, scoped_key

    if "/telegram/" in path:
        return scoped_key(channels["telegram"]["id"], str(n))
    if "/twilio/" in path:
        return scoped_key(channels["sms"]["id"], f"SM{n:032x}:inbound:")
    return body_key(body)


class Client(threading.Thread):
    """One keep-alive connection; takes (path, body, headers, tag) jobs and records ack times."""

    def __init__(self, jobs: queue.Queue, results: list):
        super().__init__(daemon=True)
        self.jobs, self.results = jobs, results

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        while (item := self.jobs.get()) is not None:
            method, path, body, headers, tag = item
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                status = 0
            elapsed = time.perf_counter() - started
            self.results.append((tag, status, elapsed * 1000, datetime.now(UTC).replace(tzinfo=None)))


def closed_loop(make, seconds: float, threads: int = 16) -> tuple[float, list]:
    """As fast as possible for `seconds`: requests per second."""
    jobs, results = queue.Queue(maxsize=threads * 2), []
    clients = [Client(jobs, results) for _ in range(threads)]
    for c in clients:
        c.start()
    started, n = time.perf_counter(), 0
    while time.perf_counter() - started < seconds:
        jobs.put(make(n))
        n += 1
    for _ in clients:
        jobs.put(None)
    for c in clients:
        c.join()
    return len(results) / (time.perf_counter() - started), results


def open_loop(make, rate: float, seconds: float, threads: int = 64) -> list:
    """Constant arrival rate: event i is sent at t0 + i/rate."""
    jobs, results = queue.Queue(), []
    clients = [Client(jobs, results) for _ in range(threads)]
    for c in clients:
        c.start()
    t0 = time.perf_counter()
    for i in range(int(rate * seconds)):
        delay = t0 + i / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        jobs.put(make(i))
    for _ in clients:
        jobs.put(None)
    for c in clients:
        c.join()
    return results


def load_phase(phase: str, channels: dict, out: dict) -> None:
    """Runs in the second process: every request the benchmark sends."""
    counter = iter(range(10**9))
    start = {"ack": 1_000_000, "sustained": 2_000_000, "visible": 3_000_000}

    def webhook(i, base=0):
        n = base + i
        path, body, headers, pmid = build_event(n, channels)
        return ("POST", path, body, headers, f"{pmid}|{dedupe_key(n, path, body, channels)}")

    if phase == "baseline":
        rate, _ = closed_loop(lambda i: ("GET", "/bench/hello", None, {}, next(counter)), 5)
        out["hello_rate"] = rate
    elif phase == "ack":
        results = open_loop(lambda i: webhook(i, start["ack"]), 500, 6)
        out["ack"] = [(tag, status, ms) for tag, status, ms, _ in results]
    elif phase == "sustained":
        rate, results = closed_loop(lambda i: webhook(i, start["sustained"]), 5)
        out["sustained_rate"] = rate
        out["sustained"] = [(tag, status, ms) for tag, status, ms, _ in results]
    elif phase == "visible":
        results = open_loop(lambda i: webhook(i, start["visible"]), 200, 6)
        # duplicates: the same event again, as a provider retry would send it
        results += open_loop(lambda i: webhook(i * 10, start["visible"]), 200, 0.5)
        out["visible"] = [(tag, status, ms, at.isoformat()) for tag, status, ms, at in results]


def run_load(phase: str, channels: dict) -> dict:
    """The load comes from a second process, as the issue asks."""
    code = (
        f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); "
        "from bench.webhook_ingest import load_phase; out = {}; "
        f"load_phase({phase!r}, json.loads(sys.argv[1]), out); print(json.dumps(out))"
    )
    env = {**ENV, "BENCH_PORT": str(PORT)}
    result = subprocess.run(
        [sys.executable, "-c", code, json.dumps(channels)], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def start(args: list[str]) -> subprocess.Popen:
    # Logs go to a file: an unread pipe fills up and blocks the worker mid-run.
    log = open(Path(tempfile.gettempdir()) / "conversa-bench-ingest.log", "ab")  # noqa: SIM115
    return subprocess.Popen(args, env=ENV, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def wait_for_server() -> None:
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
            conn.request("GET", "/bench/hello")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wait_drained(engine, timeout: float = 600) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with engine.connect() as conn:
            if not conn.execute(sa.text("SELECT 1 FROM webhook_event WHERE status = 'pending' LIMIT 1")).first():
                return
        time.sleep(0.05)
    raise SystemExit("events still pending after the timeout")


def main() -> None:
    channels = prepare()
    engine = sa.create_engine(DB_URL.replace("postgresql://", "postgresql+psycopg://"))
    server = start([sys.executable, "-m", "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{PORT}", "bench._ingest_wsgi:app"])
    worker = start([sys.executable, "-m", "flask", "worker"])
    try:
        wait_for_server()
        report(channels, engine, worker)
    finally:
        stop(worker)
        stop(server)


def report(channels: dict, engine, worker: subprocess.Popen) -> None:
    hello = run_load("baseline", channels)["hello_rate"]
    print(f"baseline: bare hello route            {hello:8.0f} requests/s  (gunicorn {' '.join(GUNICORN[:6])})")
    acks = run_load("ack", channels)["ack"]
    ack = [ms for _, status, ms in acks if status == 200]
    p50, p99 = statistics.median(ack), percentile(ack, 0.99)
    print(f"ack at 500 events/s: p50 {p50:6.1f} ms   p99 {p99:6.1f} ms  ({len(ack)} ok)")
    sustained = run_load("sustained", channels)
    print(
        f"sustained webhook rate                {sustained['sustained_rate']:8.0f} events/s"
        f" = {sustained['sustained_rate'] / hello:.2f} x baseline"
    )
    wait_drained(engine)
    visible = run_load("visible", channels)["visible"]
    wait_drained(engine)
    visible_ms = visibility(engine, visible)
    p50, p99 = statistics.median(visible_ms), percentile(visible_ms, 0.99)
    print(f"ack -> visible at 200 events/s: p50 {p50:6.1f} ms   p99 {p99:6.1f} ms")
    lost_and_duplicated(engine, [acks, sustained["sustained"], visible])
    drain(engine, worker, channels)


def visibility(engine, visible: list) -> list[float]:
    """Acknowledged at (client clock) → the worker's commit of its event (processed_at)."""
    acked = {}
    for tag, status, _, at in visible:
        if status == 200:
            acked.setdefault(tag.split("|")[1], datetime.fromisoformat(at))
    with engine.connect() as conn:
        times = dict(
            conn.execute(
                sa.text("SELECT dedupe_key, processed_at FROM webhook_event WHERE dedupe_key = ANY(:keys)"),
                {"keys": list(acked)},
            ).all()
        )
    return [max(0.0, (times[key] - at).total_seconds() * 1000) for key, at in acked.items() if times.get(key)]


def lost_and_duplicated(engine, batches: list) -> None:
    sent = {tag.split("|")[0] for batch in batches for tag, status, *_ in batch if status == 200}
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT provider_message_id FROM message")).scalars().all()
    lost = len(sent - set(stored))
    duplicated = len(stored) - len(set(stored))
    print(f"messages: {len(sent)} acknowledged, {len(stored)} stored, lost {lost}, duplicated {duplicated}")


def drain(engine, worker: subprocess.Popen, channels: dict) -> None:
    """Store DRAIN_EVENTS events directly (as if Redis had been down), then time one worker."""
    stop(worker)
    telegram = channels["telegram"]
    rows = []
    for n in range(DRAIN_EVENTS):
        update = {
            "update_id": 5_000_000 + n,
            "message": {
                "message_id": 5_000_000 + n,
                "from": {"id": 2000 + n % 500, "is_bot": False, "first_name": "Leo"},
                "chat": {"id": 2000 + n % 500, "type": "private"},
                "date": int(time.time()),
                "text": f"drain {n}",
            },
        }
        rows.append(
            {
                "source": "telegram",
                "channel_id": telegram["id"],
                "dedupe_key": f"drain-{n}",
                "payload": json.dumps(update),
            }
        )
    with engine.begin() as conn:
        for i in range(0, len(rows), 5000):
            conn.execute(
                sa.text(
                    "INSERT INTO webhook_event (source, channel_id, dedupe_key, payload, status, attempts, received_at)"
                    " VALUES (:source, :channel_id, :dedupe_key, CAST(:payload AS json), 'pending', 0, now())"
                ),
                rows[i : i + 5000],
            )
    started = time.perf_counter()
    burst = start([sys.executable, "-m", "flask", "worker"])
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from app import create_app\nfrom app.jobs.ingest import kick\nwith create_app().app_context(): kick()",
        ],
        env=ENV,
        cwd=ROOT,
        check=True,
    )
    peak = 0.0
    while True:
        peak = max(peak, rss_mb(burst.pid))
        with engine.connect() as conn:
            if not conn.execute(sa.text("SELECT 1 FROM webhook_event WHERE status = 'pending' LIMIT 1")).first():
                break
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    stop(burst)
    print(
        f"drain of {DRAIN_EVENTS} stored events: {DRAIN_EVENTS / elapsed:8.0f} events/s ({elapsed:.1f} s, one worker)"
    )
    print(f"worker RSS peak during the drain: {peak:.0f} MB")


if __name__ == "__main__":
    main()
