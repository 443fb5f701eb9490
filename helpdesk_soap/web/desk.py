"""The staff desk (issue 26 builds it here); for now its landing page."""

from __future__ import annotations

from flask import Blueprint, render_template

from .context import STAFF_SIDE, login_required

bp = Blueprint("desk", __name__, url_prefix="/desk")


@bp.route("/")
@login_required(*STAFF_SIDE)
def home():
    return render_template("desk/home.html")
