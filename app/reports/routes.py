"""Report pages (admins and owners), their CSV export and an on-demand refresh."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import audit
from app.auth.forms import ConfirmForm
from app.extensions import db
from app.jobs import enqueue
from app.models import Role
from app.permissions import current_workspace, role_required
from app.reports import bp, display, export, figures, queries, tables
from app.reports.period import PRESETS, RangeError, ReportRange, preset_range, range_from_args


@bp.app_template_filter("report_cell")
def report_cell(value) -> str:
    return display.cell(value)


def _range(workspace) -> ReportRange:
    today = datetime.now(ZoneInfo(workspace.timezone)).date()
    try:
        return range_from_args(request.args, workspace.timezone, today)
    except RangeError:
        flash(_("That date range is not valid (up to 366 days, start before end). Showing the last 30 days."), "error")
        return preset_range("30d", today, workspace.timezone)


def _page(name: str):
    workspace = current_workspace()
    rng = _range(workspace)
    page = tables.PAGES[name](workspace, rng)
    return render_template(
        f"reports/{name}.html",
        name=name,
        rng=rng,
        presets=PRESETS,
        page=page,
        figures=figures.FIGURES[name](page),
        refreshed_at=queries.refreshed_at(workspace.id),
        refresh_form=ConfirmForm(),
    )


@bp.get("/")
@login_required
@role_required(Role.ADMIN)
def index():
    return redirect(url_for("reports.overview", **request.args))


@bp.get("/overview")
@login_required
@role_required(Role.ADMIN)
def overview():
    return _page("overview")


@bp.get("/responsiveness")
@login_required
@role_required(Role.ADMIN)
def responsiveness():
    return _page("responsiveness")


@bp.get("/agents")
@login_required
@role_required(Role.ADMIN)
def agents():
    return _page("agents")


@bp.get("/campaigns")
@login_required
@role_required(Role.ADMIN)
def campaigns():
    return _page("campaigns")


@bp.get("/<name>/<key>.csv")
@login_required
@role_required(Role.ADMIN)
def export_csv(name: str, key: str):
    if name not in tables.PAGES:
        abort(404)
    workspace = current_workspace()
    rng = _range(workspace)
    table = tables.PAGES[name](workspace, rng).tables.get(key) or abort(404)
    audit.record("report.export", workspace_id=workspace.id, actor_id=current_user.id, target=f"{name}/{key}")
    db.session.commit()
    filename = f"{name}-{key}-{rng.start.isoformat()}-{rng.end.isoformat()}.csv"
    return Response(
        export.to_csv(table),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.post("/refresh")
@login_required
@role_required(Role.ADMIN)
def refresh():
    from app.jobs.reports import refresh_workspace_reports  # the job imports this package

    if ConfirmForm().validate_on_submit():
        enqueue(refresh_workspace_reports, current_workspace().id)
        flash(_("Reports are being brought up to date. Reload the page in a moment."), "info")
    return redirect(request.referrer if _same_site(request.referrer) else url_for("reports.overview"))


def _same_site(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)
