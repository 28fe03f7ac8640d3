"""Settings from CONTRACT §1, read from the environment (and `.env`) when the app is built."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _instance_secret_key(instance: Path) -> str:
    """Generate SECRET_KEY once and keep it in instance/, so sessions survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _parse_pairs(value: str) -> dict[str, str]:
    """`starter:price_1,pro:price_2` → {"starter": "price_1", "pro": "price_2"}."""
    pairs = {}
    for item in value.split(","):
        if ":" in item:
            key, _, val = item.partition(":")
            pairs[key.strip()] = val.strip()
    return pairs


def from_environment(env: os._Environ | dict, instance: Path = INSTANCE) -> dict:
    """Every setting of CONTRACT §1, with its default."""
    get = env.get
    return {
        "SECRET_KEY": get("SECRET_KEY") or _instance_secret_key(instance),
        "ENCRYPTION_KEYS": get("ENCRYPTION_KEYS", ""),
        "SQLALCHEMY_DATABASE_URI": database_url(get("DATABASE_URL"), instance),
        "REDIS_URL": get("REDIS_URL") or "redis://localhost:6379/0",
        "JOBS_MODE": (get("JOBS_MODE") or "auto").lower(),
        "BASE_URL": (get("BASE_URL") or "http://localhost:5000").rstrip("/"),
        "META_APP_ID": get("META_APP_ID"),
        "META_APP_SECRET": get("META_APP_SECRET"),
        "META_VERIFY_TOKEN": get("META_VERIFY_TOKEN"),
        "META_GRAPH_URL": (get("META_GRAPH_URL") or "https://graph.facebook.com").rstrip("/"),
        "META_GRAPH_VERSION": get("META_GRAPH_VERSION") or "v23.0",
        "TELEGRAM_API_URL": (get("TELEGRAM_API_URL") or "https://api.telegram.org").rstrip("/"),
        "TWILIO_API_URL": (get("TWILIO_API_URL") or "https://api.twilio.com").rstrip("/"),
        "STRIPE_SECRET_KEY": get("STRIPE_SECRET_KEY"),
        "STRIPE_WEBHOOK_SECRET": get("STRIPE_WEBHOOK_SECRET"),
        "STRIPE_API_BASE": get("STRIPE_API_BASE"),
        "STRIPE_PRICES": _parse_pairs(get("STRIPE_PRICES") or ""),
        "MAIL_SERVER": get("MAIL_SERVER") or "",
        "MAIL_PORT": int(get("MAIL_PORT") or 25),
        "MAIL_USERNAME": get("MAIL_USERNAME"),
        "MAIL_PASSWORD": get("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _flag(get("MAIL_USE_TLS")),
        "MAIL_DEFAULT_SENDER": get("MAIL_DEFAULT_SENDER") or "no-reply@localhost",
        "ALLOWED_FETCH_HOSTS": [h.strip() for h in (get("ALLOWED_FETCH_HOSTS") or "").split(",") if h.strip()],
        "GA_MEASUREMENT_ID": get("GA_MEASUREMENT_ID"),
    }


def database_url(value: str | None, instance: Path) -> str:
    if not value:
        instance.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{instance / 'conversa.db'}"
    # Heroku-style URLs and the bare driver name both mean psycopg 3 here.
    if value.startswith("postgres://"):
        value = "postgresql://" + value[len("postgres://") :]
    if value.startswith("postgresql://"):
        value = "postgresql+psycopg://" + value[len("postgresql://") :]
    return value


class Config:
    """Fixed behaviour that is not an operator setting."""

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14
    WTF_CSRF_TIME_LIMIT = None  # a form left open all day must still post; the token is per session
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "es")
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_SECONDS = 15 * 60
    RESET_TOKEN_SECONDS = 60 * 60
    INVITATION_SECONDS = 7 * 24 * 60 * 60
    RUN_PERIODIC_INLINE = True
    RQ_QUEUE_PREFIX = ""
