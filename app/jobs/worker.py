"""The RQ worker behind `flask worker`: every queue in priority order, plus the scheduler."""

from __future__ import annotations

from rq import SimpleWorker

from app.extensions import db
from app.jobs import QUEUES, get_queue, redis_connection, schedule


class ConversaWorker(SimpleWorker):
    """Runs jobs in this process, inside the app context the CLI pushed.

    No fork per job keeps ingestion batches fast and memory flat; the session is
    removed after each job so no state leaks from one job to the next.
    """

    def perform_job(self, job, queue) -> bool:
        try:
            return super().perform_job(job, queue)
        finally:
            db.session.remove()

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        schedule.enqueue_due(self.connection)


def build_worker() -> ConversaWorker:
    return ConversaWorker(
        [get_queue(name) for name in QUEUES],
        connection=redis_connection(),
        worker_ttl=75,  # wake at least once a minute to enqueue periodic jobs
        maintenance_interval=60,
    )


def run(burst: bool = False) -> bool:
    schedule.enqueue_due(redis_connection())
    return build_worker().work(burst=burst, with_scheduler=True, logging_level="INFO")
