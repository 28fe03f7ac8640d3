"""JOBS_MODE: rq through a real worker, inline in-process, auto falling back with a warning."""

from datetime import timedelta

import sqlalchemy as sa

from app import create_app
from app.jobs import enqueue, get_queue, schedule
from app.jobs.maintenance import purge_expired_credentials
from app.models import PasswordReset, utcnow
from tests.conftest import TEST_SETTINGS
from tests.factories import make_user


def _expired_reset(db):
    user = make_user()
    db.session.add(PasswordReset(user=user, token_hash="x" * 64, expires_at=utcnow() - timedelta(hours=1)))
    db.session.commit()


def _resets(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(PasswordReset))


def test_rq_mode_queues_the_job_until_a_worker_runs_it(app, db, run_jobs):
    _expired_reset(db)
    enqueue(purge_expired_credentials)
    assert get_queue("maintenance").count == 1
    assert _resets(db) == 1
    run_jobs()
    assert _resets(db) == 0


def test_inline_mode_runs_the_job_at_once(app, db):
    app.config["JOBS_RESOLVED"] = "inline"
    _expired_reset(db)
    enqueue(purge_expired_credentials)
    db.session.expire_all()
    assert _resets(db) == 0
    assert get_queue("maintenance").count == 0


def test_auto_mode_falls_back_to_inline_with_a_warning(app, caplog):
    other = create_app(
        {
            **TEST_SETTINGS,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "JOBS_MODE": "auto",
            "REDIS_URL": "redis://127.0.0.1:1/0",
        }
    )
    assert other.config["JOBS_RESOLVED"] == "inline"
    assert any("Redis is not reachable" in r.getMessage() for r in caplog.records)
    assert other.test_client().get("/healthz").get_json()["jobs"] == "inline"


def test_periodic_jobs_are_enqueued_once_per_period(app, redis):
    first = schedule.enqueue_due(redis)
    second = schedule.enqueue_due(redis)
    assert "app.jobs.maintenance.purge_expired_credentials" in first
    assert second == []
