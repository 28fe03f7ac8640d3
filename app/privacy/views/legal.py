"""Legal pages (CONTRACT §3 /legal/*), accepting a materially changed version, and the gate
that asks signed-in people to accept before they continue."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.forms import ConfirmForm
from app.extensions import db
from app.privacy import legal
from app.privacy.views import bp

# Pages a person must still reach while a policy waits for their acceptance.
UNGATED_PREFIXES = ("static", "privacy.legal", "privacy.accept", "privacy.deletion", "privacy.meta", "privacy.cookie")
UNGATED = {"auth.logout", "auth.set_language", "health.healthz"}


@bp.get("/legal/<document>")
def legal_page(document: str):
    if document not in legal.DOCUMENTS:
        abort(404)
    version = legal.current(document)
    language = "es" if str(get_locale()) == "es" else "en"
    return render_template(
        "privacy/legal.html",
        document=document,
        title=legal.title(document),
        version=version,
        body=f"privacy/legal/{document}.{language}.html",
    )


@bp.route("/legal/accept", methods=["GET", "POST"])
@login_required
def accept_policies():
    pending = legal.pending_acceptances(current_user)
    form = ConfirmForm()
    target = _safe_next(request.values.get("next"))
    if not pending:
        return redirect(target)
    if form.validate_on_submit():
        legal.record_acceptance(current_user.id, tuple(d.document for d in pending), request.remote_addr)
        db.session.commit()
        flash(_("Thank you. Your acceptance has been recorded."), "success")
        return redirect(target)
    return render_template("privacy/accept.html", pending=pending, form=form, next=target, titles=legal.title)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("dashboard.home")


@bp.before_app_request
def require_current_policies():
    """A material change to the terms or privacy policy is accepted before anything else."""
    if not current_user.is_authenticated or request.blueprint == "api":
        return None
    endpoint = request.endpoint or ""
    if endpoint in UNGATED or endpoint.startswith(UNGATED_PREFIXES):
        return None
    if not legal.pending_acceptances(current_user):
        return None
    if request.method != "GET":
        abort(403, _("Please accept the updated policies first."))
    return redirect(url_for("privacy.accept_policies", next=request.full_path.rstrip("?")))
