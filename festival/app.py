"""The application factory."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from festival import extensions as ext
from festival.config import check_secret_key, load_config
from festival.core import db as _sqlite_rules  # noqa: F401  (registers the SQLite connect rules)
from festival.core.assets import init_assets
from festival.core.cache import init_cache
from festival.core.db import register_session_end
from festival.core.forms import register_form_helpers
from festival.core.headers import register_headers
from festival.core.i18n import register_filters, select_locale
from festival.core.limits import init_limits
from festival.core.web import register_web

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(
        "festival",
        root_path=str(ROOT / "festival"),
        instance_path=os.environ.get("FESTIVAL_INSTANCE_PATH") or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(load_config(app.instance_path))
    app.json.ensure_ascii = False  # Vietnamese as it is, not \u escapes
    if overrides:
        app.config.update(overrides)
    check_secret_key(app.config, app.debug)
    if app.config["SECRET_KEY_PROBLEM"]:
        app.before_request(_refuse_unconfigured)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    _init_extensions(app)
    # First registered, so it runs last of the after-request hooks: nothing queries after its commit.
    register_session_end(app)
    # Before the blueprints: the app-wide `<int:…>` converter must be in place when their routes are added.
    register_web(app)
    register_headers(app)
    _register_blueprints(app)
    _register_cli(app)
    register_filters(app)
    register_form_helpers(app)
    init_assets(app)
    init_cache(app)
    init_limits(app)
    return app


def _refuse_unconfigured():
    """Without a usable SECRET_KEY nothing can be signed: answer 503 (commands still work)."""
    from flask import current_app

    from festival.core.web import render_error_safely

    current_app.logger.error("refusing requests: %s", current_app.config["SECRET_KEY_PROBLEM"])
    return render_error_safely(503)


def _init_extensions(app: Flask) -> None:
    from festival import models  # noqa: F401  (every model, for Alembic)

    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    ext.csrf.init_app(app)
    ext.babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(ROOT / "festival" / "translations"),
    )

    from festival.accounts.auth import init_login

    init_login(app)


def _register_blueprints(app: Flask) -> None:
    from festival.accounts.views import bp as accounts_bp
    from festival.api import init_api
    from festival.api.docs import bp as api_page_bp
    from festival.attendees.views import bp as attendees_bp
    from festival.audit.views import bp as audit_bp
    from festival.calendar.views import bp as calendar_bp
    from festival.checkin.admin_views import bp as checkin_admin_bp
    from festival.checkin.live_views import bp as checkin_live_bp
    from festival.checkin.scanner_views import bp as scanner_bp
    from festival.checkin.self_views import bp as checkin_self_bp
    from festival.dashboard.views import bp as dashboard_bp
    from festival.editions.views import bp as editions_bp
    from festival.festivals.views import bp as festivals_bp
    from festival.localities.views import bp as localities_bp
    from festival.mail.views import bp as mail_bp
    from festival.organizations.views import bp as organizations_bp
    from festival.program import blueprint as program_blueprint
    from festival.public.views import bp as public_bp
    from festival.registration.public import bp as registration_bp

    blueprints = (
        public_bp,
        accounts_bp,
        localities_bp,
        dashboard_bp,
        editions_bp,
        festivals_bp,
        program_blueprint(),
        attendees_bp,
        organizations_bp,
        audit_bp,
        mail_bp,
        registration_bp,
        calendar_bp,
        checkin_live_bp,
        checkin_self_bp,
        checkin_admin_bp,
        scanner_bp,
        api_page_bp,
    )
    for bp in blueprints:
        app.register_blueprint(bp)
    init_api(app)


def _register_cli(app: Flask) -> None:
    from festival.accounts.cli import users_cli
    from festival.checkin.devices import devices_cli
    from festival.demo.cli import festival_cli
    from festival.localities.cli import localities_cli
    from festival.mail.cli import mail_cli
    from festival.registration.privacy import privacy_cli

    app.cli.add_command(localities_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(festival_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(devices_cli)
