"""Security headers on every answer: CSP without inline script, no framing, HSTS over HTTPS."""

from __future__ import annotations

from flask import Flask, Response, g, request


def allow_script_source(*sources: str) -> None:
    """Let this one page load scripts from extra origins (e.g. analytics after consent)."""
    g.setdefault("extra_script_src", []).extend(sources)


def _csp() -> str:
    scripts = " ".join(["'self'", *g.get("extra_script_src", [])])
    connect = " ".join(["'self'", *g.get("extra_script_src", [])])
    return (
        "default-src 'self'; "
        f"script-src {scripts}; "
        "style-src 'self'; "
        "img-src 'self' data: blob:; "
        "media-src 'self' blob:; "
        f"connect-src {connect}; "
        "frame-ancestors 'none'; "
        "form-action 'self' https:; "
        "base-uri 'self'; "
        "object-src 'none'"
    )


def _apply(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", _csp())
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_apply)
