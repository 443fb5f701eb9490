"""Which language a page is in: ?lang= (remembered in a cookie), the cookie, else the
browser's Accept-Language; German and English."""

from __future__ import annotations

from flask import request

LANGUAGES = ("en", "de")
DEFAULT = "en"
COOKIE = "lang"


def choose_language(query: str | None, cookie: str | None, accept) -> str:
    """The page's language; ``accept`` is the browser's (tag, quality) pairs, best first
    (werkzeug's LanguageAccept): "de-DE" counts as German."""
    for asked in (query, cookie):
        if asked in LANGUAGES:
            return asked
    for tag, _quality in accept or ():  # werkzeug orders them by quality
        primary = tag.split("-")[0].split("_")[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT


def locale_selector() -> str:
    return choose_language(request.args.get("lang"), request.cookies.get(COOKIE),
                           request.accept_languages)


def remember_language(response):
    asked = request.args.get("lang")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
