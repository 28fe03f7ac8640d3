"""Language and time zone per person, and locale-aware formatting for templates."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import available_timezones

from flask import Flask, current_app, has_request_context, request
from flask_babel import format_date, format_datetime, format_decimal, format_timedelta, get_locale
from flask_login import current_user

from app.extensions import babel
from app.models import utcnow

LANGUAGE_NAMES = {"en": "English", "es": "Español"}


def select_locale() -> str:
    """The user's choice, then the "lang" cookie, then Accept-Language; English in workers."""
    if not has_request_context():
        return "en"
    if current_user.is_authenticated and current_user.locale in current_app.config["LANGUAGES"]:
        return current_user.locale
    chosen = request.cookies.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"


def select_timezone() -> str | None:
    if has_request_context() and current_user.is_authenticated:
        return current_user.timezone
    return None


def timezone_choices() -> list[str]:
    return sorted(tz for tz in available_timezones() if "/" in tz and not tz.startswith(("Etc/", "SystemV/")))


def is_timezone(name: str) -> bool:
    return name == "UTC" or name in _zones()


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories="translations",
    )
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
    app.jinja_env.filters["number"] = format_decimal
    app.jinja_env.filters["ago"] = _ago


def _ago(value: datetime | None) -> str:
    if value is None:
        return ""

    return format_timedelta(value - utcnow(), add_direction=True, granularity="minute")
