"""The web front end: the customers' portal (and, later, the staff desk) as one Flask app.

``create_web_app`` takes the worker's Runtime (soap/app.py), so pages and SOAP share the
engine, the caches and the password verifier. Nothing happens at import time.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel, format_datetime, get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from ..config import Config
from ..domain.errors import DomainError
from . import context, i18n
from .forms import field_label
from .helpers import minutes_text, size_text, value_names
from .secret import secret_key

log = logging.getLogger(__name__)

#: Every web response: no inline script or style, nothing from elsewhere, never framed.
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self'; "
                                "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                                "form-action 'self'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed cookie; Secure decided per request when configured "auto"."""

    def __init__(self, secure: str):
        self.secure = secure

    def get_cookie_secure(self, app) -> bool:
        if self.secure == "auto":
            return request.scheme == "https"
        return self.secure == "true"


def create_web_app(runtime, config: Config, testing: bool = False) -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key(config.web_secret_key, config.attachment_root),
        SESSION_COOKIE_NAME="helpdesk_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(days=1),
        MAX_CONTENT_LENGTH=config.max_request_bytes,
        WTF_CSRF_TIME_LIMIT=None,  # the session's idle timeout bounds the token
        BABEL_TRANSLATION_DIRECTORIES="translations",
        TESTING=testing,
    )
    app.session_interface = SessionCookies(config.web_secure_cookies)
    app.extensions["helpdesk.runtime"] = runtime
    CSRFProtect(app)
    Babel(app, locale_selector=i18n.locale_selector)
    app.jinja_env.globals.update(principal=context.principal, languages=i18n.LANGUAGES,
                                  get_locale=get_locale, format_datetime=format_datetime)
    app.jinja_env.filters["minutes"] = minutes_text
    app.jinja_env.filters["size"] = size_text
    app.jinja_env.filters["dict_without"] = lambda d, key: {k: v for k, v in d.items() if k != key}
    app.jinja_env.globals["field_label"] = field_label
    app.jinja_env.globals["value_names"] = value_names()
    app.teardown_request(context.close_uow)

    @app.after_request
    def headers(response):
        response.headers.update(SECURITY_HEADERS)
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return i18n.remember_language(response)

    _error_handlers(app)
    from . import auth, desk, portal
    app.register_blueprint(auth.bp)
    app.register_blueprint(portal.bp)
    app.register_blueprint(desk.bp)
    from . import desk_admin  # the staff desk's admin pages (issue 26)
    app.register_blueprint(desk_admin.bp)
    return app


def _error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, context.domain_error_page)

    @app.errorhandler(CSRFError)
    def csrf(exc):
        return render_template("error.html", title=_("Form expired"),
                               text=_("The form was too old or not sent from this site. "
                                      "Please go back, reload the page and try again.")), 400

    @app.errorhandler(413)
    def too_large(exc):
        return render_template("error.html", title=_("Too large"),
                               text=_("The upload is larger than the service accepts.")), 413

    @app.errorhandler(HTTPException)
    def http(exc):
        if exc.code == 404:
            return render_template("error.html", title=_("Not found"),
                                   text=_("There is no such page, or it is not yours to see.")), 404
        if exc.code == 405:
            return render_template("error.html", title=_("Not possible"),
                                   text=_("This page cannot be used that way.")), 405
        return render_template("error.html", title=_("Bad request"),
                               text=_("The request could not be understood.")), exc.code or 400

    @app.errorhandler(Exception)
    def internal(exc):
        if isinstance(exc, HTTPException):
            return http(exc)
        log.exception("web request failed")
        try:
            return render_template("error.html", title=_("Something went wrong"),
                                   text=_("The request could not be completed.")), 500
        except Exception:  # the page itself failed (the store is down): plain text, no trace
            log.exception("the error page failed")
            return ("The request could not be completed.", 500,
                    {"Content-Type": "text/plain; charset=utf-8"})
