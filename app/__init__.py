"""Conversa: the application factory."""

from __future__ import annotations

import logging
import os

from dotenv import load_dotenv
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import INSTANCE, ROOT, Config, from_environment


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings → extensions → blueprints → CLI → error handlers → Jinja."""
    load_dotenv(ROOT / ".env", override=False)
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=str(INSTANCE),
    )
    app.config.from_object(Config)
    app.config.update(from_environment(os.environ))
    app.config.update(config or {})
    app.config["SESSION_COOKIE_SECURE"] = app.config["BASE_URL"].startswith("https://")
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    _configure_logging(app)
    if proxies := int(os.environ.get("PROXY_COUNT", "0")):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    _init_extensions(app)
    _register_blueprints(app)

    from app import cli, errors

    cli.init_app(app)
    errors.init_app(app)
    return app


def _configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app.logger.setLevel(logging.INFO)


def _init_extensions(app: Flask) -> None:
    from app import headers, i18n, jobs, permissions, templating
    from app.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    permissions.init_app(app, login_manager)
    i18n.init_app(app)
    jobs.init_app(app)
    templating.init_app(app)
    headers.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from app.api import bp as api_bp
    from app.auth import bp as auth_bp
    from app.billing import bp as billing_bp
    from app.campaigns import bp as campaigns_bp
    from app.campaigns import public_bp as campaign_public_bp
    from app.channels import bp as channels_bp
    from app.contacts import bp as contacts_bp
    from app.dashboard import bp as dashboard_bp
    from app.health import bp as health_bp
    from app.inbox import bp as inbox_bp
    from app.privacy.views import bp as privacy_bp
    from app.reports import bp as reports_bp
    from app.webhooks import bp as webhooks_bp
    from app.workspaces import bp as workspaces_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(workspaces_bp, url_prefix="/workspace")
    app.register_blueprint(billing_bp)
    app.register_blueprint(inbox_bp)
    app.register_blueprint(webhooks_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(contacts_bp)
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(channels_bp, url_prefix="/channels")
    app.register_blueprint(campaigns_bp)
    app.register_blueprint(campaign_public_bp)
