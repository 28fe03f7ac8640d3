"""Cookie consent: the choice lives in a cookie; analytics (and its CSP source) only after "yes"."""

from __future__ import annotations

from flask import current_app, g, has_request_context, redirect, render_template, request

from app.headers import allow_script_source
from app.privacy.views import bp

COOKIE = "cookie_consent"
CHOICES = {"analytics", "necessary"}
ANALYTICS_SOURCES = ("https://www.googletagmanager.com", "https://*.google-analytics.com")
ONE_YEAR = 365 * 24 * 3600


def consent_choice() -> str | None:
    if not has_request_context():
        return None
    value = request.cookies.get(COOKIE)
    return value if value in CHOICES else None


@bp.before_app_request
def _analytics_after_consent() -> None:
    """GA is referenced, and allowed by the CSP, only for visitors who accepted analytics."""
    g.analytics_id = None
    measurement_id = current_app.config.get("GA_MEASUREMENT_ID")
    if measurement_id and consent_choice() == "analytics":
        g.analytics_id = measurement_id
        allow_script_source(*ANALYTICS_SOURCES)


@bp.app_context_processor
def _cookie_context() -> dict:
    return {"analytics_id": g.get("analytics_id"), "cookie_choice": consent_choice()}


@bp.get("/cookies/settings")
def cookie_settings():
    return render_template("privacy/cookie_settings.html")


@bp.post("/cookies/consent")
def cookie_consent():
    """Accept, reject or save a custom choice; back to where the visitor was."""
    action = request.form.get("choice", "")
    analytics = action == "accept" or (action == "custom" and request.form.get("analytics") == "on")
    target = request.form.get("next") or "/"
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    response = redirect(target)
    response.set_cookie(
        COOKIE,
        "analytics" if analytics else "necessary",
        max_age=ONE_YEAR,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
    )
    return response
