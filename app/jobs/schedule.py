"""Every periodic job, in one table, and the two ways they are triggered (RQ workers or inline)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from redis import Redis

from app.jobs import enqueue, run_inline
from app.jobs.campaigns import start_due_campaigns, sweep_campaigns
from app.jobs.inbox import reopen_due_snoozes
from app.jobs.ingest import requeue_stale_events
from app.jobs.maintenance import purge_expired_credentials
from app.jobs.outbound import requeue_stale_messages
from app.jobs.privacy import retry_open_deletions, run_retention
from app.jobs.reports import refresh_reports

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    func: Callable
    every: timedelta

    @property
    def name(self) -> str:
        return f"{self.func.__module__}.{self.func.__name__}"


def periodic_job_definitions() -> list[Periodic]:
    return [
        Periodic(purge_expired_credentials, timedelta(hours=1)),
        Periodic(reopen_due_snoozes, timedelta(minutes=1)),
        Periodic(requeue_stale_events, timedelta(minutes=1)),
        Periodic(requeue_stale_messages, timedelta(minutes=10)),
        Periodic(run_retention, timedelta(days=1)),
        Periodic(retry_open_deletions, timedelta(minutes=15)),
        Periodic(refresh_reports, timedelta(minutes=10)),
        Periodic(start_due_campaigns, timedelta(minutes=1)),
        Periodic(sweep_campaigns, timedelta(minutes=2)),
    ]


def enqueue_due(connection: Redis) -> list[str]:
    """Enqueue each periodic job at most once per period across all workers (a Redis lock key)."""
    enqueued = []
    for periodic in periodic_job_definitions():
        key = f"conversa:periodic:{periodic.name}"
        if connection.set(key, "1", nx=True, ex=int(periodic.every.total_seconds())):
            enqueue(periodic.func)
            enqueued.append(periodic.name)
    return enqueued


def run_inline_scheduler(app: Flask, tick_seconds: int = 30) -> None:
    """Inline mode's stand-in for workers: run each periodic job when its period has passed."""
    last_run: dict[str, float] = {}
    while True:
        now = time.monotonic()
        for periodic in periodic_job_definitions():
            if now - last_run.get(periodic.name, -1e12) >= periodic.every.total_seconds():
                last_run[periodic.name] = now
                run_inline(app, periodic.func, ())
        time.sleep(tick_seconds)
