"""Foundation benchmark: page server time and job throughput on a throwaway SQLite app.

Prints numbers only; run with `make bench` (Redis at REDIS_URL, default 127.0.0.1:6379/12).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.jobs import enqueue, get_queue, job, redis_connection  # noqa: E402
from app.jobs.worker import build_worker  # noqa: E402

REQUESTS = 500
JOBS = 2000


@job("default", timeout=10)
def noop(number: int) -> int:
    """A job that does nothing, so the numbers measure the queue and the worker only."""
    return number


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def time_page(client, path: str) -> tuple[float, float]:
    samples = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(samples), percentile(samples, 0.99)


def main() -> None:
    folder = tempfile.mkdtemp(prefix="conversa-bench-")
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
            "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/12"),
            "JOBS_MODE": "rq",
        }
    )
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        redis_connection().flushdb()
        client = app.test_client()
        for path in ("/healthz", "/login", "/signup"):
            p50, p99 = time_page(client, path)
            print(f"GET {path:<10} p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   ({REQUESTS} requests)")

        from bench import foundation  # the worker imports jobs by module name, never __main__

        started = time.perf_counter()
        for number in range(JOBS):
            enqueue(foundation.noop, number)
        enqueued = time.perf_counter() - started
        started = time.perf_counter()
        build_worker().work(burst=True, logging_level="WARNING")
        drained = time.perf_counter() - started
        left = get_queue("default").count
        print(f"enqueue  {JOBS / enqueued:8.0f} jobs/s")
        print(f"drain    {JOBS / drained:8.0f} jobs/s (one worker, {left} left)")


if __name__ == "__main__":
    main()
