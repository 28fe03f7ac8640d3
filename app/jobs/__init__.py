"""Background jobs: `@job` records a queue and limits; `enqueue` runs on RQ or in-process.

Only this module reads JOBS_MODE. `auto` picks rq when Redis answers at start-up, otherwise
jobs run in the web process and a warning says so (the embedded default for a newcomer).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry

from app.models import utcnow

log = logging.getLogger(__name__)

# Worker order: ingestion first, so bulk campaign work never delays webhooks.
QUEUES = ("webhooks", "outbound", "campaigns", "default", "maintenance")

# Transient provider failures: back off 10 s, 1 min, 5 min, 30 min.
PROVIDER_RETRY = Retry(max=4, interval=[10, 60, 300, 1800])


@dataclass(frozen=True)
class JobOptions:
    queue: str
    timeout: int
    retry: Retry | None


def job(queue: str, timeout: int = 60, retry: Retry | None = None):
    """Mark a plain function as a job; nothing touches Redis at import."""
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue}")

    def decorator(func: Callable) -> Callable:
        func.job_options = JobOptions(queue, timeout, retry)
        return func

    return decorator


def init_app(app: Flask) -> None:
    mode = app.config["JOBS_MODE"]
    if mode not in {"rq", "inline", "auto"}:
        raise ValueError("JOBS_MODE must be rq, inline or auto")
    app.extensions["redis"] = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=2)
    if mode == "auto":
        mode = "rq" if _ping(app.extensions["redis"]) else "inline"
        if mode == "inline":
            app.logger.warning(
                "Redis is not reachable at REDIS_URL: background jobs run inside the web process. "
                "Fine for trying Conversa; in production run Redis and `flask worker`."
            )
    app.config["JOBS_RESOLVED"] = mode
    if mode == "inline" and app.config["RUN_PERIODIC_INLINE"] and not app.testing:
        _start_inline_scheduler(app)


def _ping(connection: Redis) -> bool:
    try:
        return bool(connection.ping())
    except (RedisError, OSError):
        return False


def redis_connection() -> Redis:
    return current_app.extensions["redis"]


def redis_available() -> bool:
    return _ping(redis_connection())


def is_inline() -> bool:
    return current_app.config["JOBS_RESOLVED"] == "inline"


def get_queue(name: str) -> Queue:
    return Queue(name, connection=redis_connection())


def enqueue(func: Callable, *args, at: datetime | None = None, job_id: str | None = None) -> None:
    """Run `func(*args)` in the background: on its RQ queue, or in-process in inline mode.

    Callers commit first, so the worker always finds the rows the ids point to.
    `at` is a naive UTC time for delayed jobs.
    """
    options: JobOptions = func.job_options
    if is_inline():
        _run_inline_later(func, args, at)
        return
    queue = get_queue(options.queue)
    kwargs = {"job_timeout": options.timeout, "retry": options.retry, "job_id": job_id, "result_ttl": 300}
    if at is not None and at > utcnow():
        queue.enqueue_at(at.replace(tzinfo=UTC), func, *args, **kwargs)  # RQ reads naive times as local
    else:
        queue.enqueue(func, *args, **kwargs)


def run_inline(app: Flask, func: Callable, args: tuple) -> None:
    """Run a job in its own app context (and so its own session), logging instead of raising."""
    with app.app_context():
        try:
            func(*args)
        except Exception:
            log.exception("inline job %s failed", func.__name__)


def _run_inline_later(func: Callable, args: tuple, at: datetime | None) -> None:
    app = current_app._get_current_object()
    delay = (at - utcnow()).total_seconds() if at else 0
    if delay <= 0:
        run_inline(app, func, args)
        return
    timer = threading.Timer(delay, run_inline, args=(app, func, args))
    timer.daemon = True
    timer.start()


def _start_inline_scheduler(app: Flask) -> None:
    from app.jobs.schedule import run_inline_scheduler

    thread = threading.Thread(target=run_inline_scheduler, args=(app,), daemon=True, name="periodic-jobs")
    thread.start()
