"""Fixtures on real parts: PostgreSQL or SQLite (TEST_DATABASE_URL), Redis and a real RQ worker.

The schema is built by the migrations once per run; each test starts from empty tables and an
empty Redis database. An unreachable PostgreSQL or Redis fails the run, never skips it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade
from redis import Redis
from redis.exceptions import RedisError

from app import create_app
from app.catalog import compile_all
from app.config import INSTANCE, database_url
from app.extensions import db as _db
from app.jobs.worker import build_worker
from tests import factories

PG_URL = "postgresql://postgres@127.0.0.1:5432/conversa_test"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def pytest_addoption(parser):
    parser.addoption(
        "--database",
        default=os.environ.get("TEST_DATABASE_URL", "sqlite"),
        help="sqlite, postgresql, or a PostgreSQL URL (its database is dropped and re-created)",
    )


def _database_url(wanted: str) -> str:
    if wanted == "sqlite":
        path = Path(tempfile.mkdtemp(prefix="conversa-test-")) / "test.db"
        return f"sqlite:///{path}"
    if wanted == "postgresql":
        wanted = PG_URL
    _create_pg_database(wanted)
    return database_url(wanted, INSTANCE)


def _create_pg_database(url: str) -> None:
    target = sa.engine.make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    except sa.exc.OperationalError as error:
        pytest.exit(f"PostgreSQL is not reachable for the tests ({error.orig}). Start it and run again.", 2)
    finally:
        admin.dispose()


def _check_redis() -> None:
    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except (RedisError, OSError) as error:
        pytest.exit(f"Redis is not reachable at {REDIS_URL} ({error}). Start it and run again.", 2)


TEST_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "WTF_CSRF_ENABLED": False,
    "REDIS_URL": REDIS_URL,
    "JOBS_MODE": "rq",
    "BASE_URL": "http://localhost",
    "MAIL_SERVER": "",
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "ATTACHMENTS_DIR": tempfile.mkdtemp(prefix="conversa-attachments-"),
}


class RequestIsolatedClient(FlaskClient):
    """Each request gets a fresh app context (its own `g` and database session), as in production,
    even though the test itself runs inside an app context."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def _app(pytestconfig):
    _check_redis()
    compile_all()
    url = _database_url(pytestconfig.getoption("database"))
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url})
    app.test_client_class = RequestIsolatedClient
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        _db.engine.dispose()


def _empty_tables() -> None:
    tables = [t for t in reversed(_db.metadata.sorted_tables)]
    if _db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        _db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            _db.session.execute(table.delete())
    _db.session.commit()


@pytest.fixture
def app(_app):
    """The app inside an app context, on empty tables and an empty Redis; config restored after."""
    saved = dict(_app.config)
    with _app.app_context():
        _empty_tables()
        _app.extensions["redis"].flushdb()
        yield _app
        _db.session.remove()
    _app.config.clear()
    _app.config.update(saved)


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def redis(app) -> Redis:
    return app.extensions["redis"]


@pytest.fixture
def run_jobs(app):
    """Drain every queue with a real RQ worker (burst mode), as `flask worker --burst` does."""

    def run() -> bool:
        worked = build_worker().work(burst=True, with_scheduler=False, logging_level="WARNING")
        _db.session.remove()
        return worked

    return run


@pytest.fixture
def login_as(client):
    """Sign a member in for the test client: login_as(user, workspace=None)."""

    def login(user, workspace=None):
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
            if workspace is not None:
                session["workspace_id"] = workspace.id
        return user

    return login


@pytest.fixture
def workspace(db):
    return factories.make_workspace()


@pytest.fixture
def owner(workspace):
    return factories.member_of(workspace)


# --- channels: the fake provider server -------------------------------------------------------

META_APP_SECRET = "test-meta-app-secret"


@pytest.fixture(scope="session")
def _provider_server():
    from tests.fakes.provider_server import ProviderServer

    server = ProviderServer().start()
    yield server
    server.stop()


@pytest.fixture
def providers(app, _provider_server):
    """The loopback Graph/Telegram/Twilio fake, with the app's provider URLs pointed at it."""
    _provider_server.reset()
    app.config.update(
        META_GRAPH_URL=_provider_server.graph_url,
        TELEGRAM_API_URL=_provider_server.telegram_url,
        TWILIO_API_URL=_provider_server.twilio_url,
        ALLOWED_FETCH_HOSTS=["127.0.0.1"],
        META_APP_ID="1234567890",
        META_APP_SECRET=META_APP_SECRET,
        META_VERIFY_TOKEN="test-verify-token",
    )
    return _provider_server


@pytest.fixture(scope="session")
def _smtp_server():
    from tests.fakes.smtp_server import SmtpServer

    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_server(_smtp_server):
    """A real SMTP server on loopback (with AUTH), emptied per test."""
    _smtp_server.messages.clear()
    return _smtp_server
