"""Campaign pages: list, build, preview, test, schedule, start/pause/resume/cancel, live report."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app.auth.forms import ConfirmForm
from app.campaigns import bp, charts, lifecycle, personalize, reports
from app.campaigns.audience import audience_ids
from app.campaigns.forms import CampaignForm, ScheduleForm, SegmentForm, TestSendForm
from app.contacts.queries import ContactFilters, workspace_tags
from app.extensions import db
from app.jobs import campaigns as campaign_jobs
from app.jobs import enqueue
from app.models import Campaign, Channel, Contact, Role, Segment
from app.permissions import current_workspace, get_or_404, role_required


def _form(campaign: Campaign | None = None) -> CampaignForm:
    workspace = current_workspace()
    form = CampaignForm(obj=campaign) if campaign and request.method == "GET" else CampaignForm()
    form.channel_id.choices = [SelectChoice(c.id, f"{c.name} ({c.kind})") for c in lifecycle.channels_for(workspace.id)]
    form.tags.choices = [SelectChoice(t.name, t.name) for t in workspace_tags(workspace.id)]
    form.segment_ids.choices = [SelectChoice(s.id, s.name) for s in lifecycle.segments_for(workspace.id)]
    if campaign and request.method == "GET":
        form.tags.data = (campaign.audience or {}).get("tags", [])
        form.segment_ids.data = (campaign.audience or {}).get("segment_ids", [])
        template = campaign.template or {}
        form.template_name.data = template.get("name")
        form.template_language.data = template.get("language")
        form.template_variables.data = "\n".join(template.get("variables") or [])
    return form


def _input(form: CampaignForm) -> lifecycle.CampaignInput:
    template = None
    if form.template_name.data:
        variables = [v.strip() for v in (form.template_variables.data or "").splitlines() if v.strip()]
        template = {
            "name": form.template_name.data.strip(),
            "language": (form.template_language.data or "en").strip(),
            "variables": variables,
        }
    return lifecycle.CampaignInput(
        name=form.name.data,
        channel_id=form.channel_id.data,
        tags=form.tags.data or [],
        segment_ids=form.segment_ids.data or [],
        body=form.body.data or "",
        subject=form.subject.data or "",
        template=template,
    )


@bp.get("/campaigns")
@login_required
@role_required(Role.ADMIN)
def index():
    campaigns = db.session.scalars(
        sa.select(Campaign)
        .where(Campaign.workspace_id == current_workspace().id)
        .order_by(Campaign.id.desc())
        .limit(200)
    ).all()
    return render_template(
        "campaigns/index.html", campaigns=campaigns, counts={c.id: reports.counts(c.id) for c in campaigns}
    )


@bp.route("/campaigns/new", methods=["GET", "POST"])
@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@login_required
@role_required(Role.ADMIN)
def edit(campaign_id: int | None = None):
    campaign = get_or_404(Campaign, campaign_id) if campaign_id else None
    form = _form(campaign)
    if not form.validate_on_submit():
        return render_template("campaigns/edit.html", form=form, campaign=campaign), 400 if form.errors else 200
    try:
        campaign = lifecycle.save(current_workspace(), _input(form), campaign, current_user.id)
    except lifecycle.CampaignError as error:
        field = getattr(form, error.field, None)
        field.errors.append(error.reason) if field is not None else flash(error.reason, "error")
        return render_template("campaigns/edit.html", form=form, campaign=campaign), 400
    db.session.commit()
    return redirect(url_for("campaigns.detail", campaign_id=campaign.id))


@bp.get("/campaigns/audience-count")
@login_required
@role_required(Role.ADMIN)
def audience_count():
    """The live count under the audience picker (htmx)."""
    channel = db.session.get(Channel, request.args.get("channel_id", type=int) or 0)
    workspace = current_workspace()
    channel = channel if channel and channel.workspace_id == workspace.id else None
    count = lifecycle.live_count(
        workspace.id, request.args.getlist("tags"), request.args.getlist("segment_ids", type=int), channel
    )
    return render_template("campaigns/_audience_count.html", count=count)


@bp.get("/campaigns/<int:campaign_id>")
@login_required
@role_required(Role.ADMIN)
def detail(campaign_id: int):
    campaign = get_or_404(Campaign, campaign_id)
    return render_template(
        "campaigns/detail.html",
        campaign=campaign,
        confirm=ConfirmForm(),
        schedule_form=ScheduleForm(formdata=None),
        test_form=TestSendForm(formdata=None, to=current_user.email),
        **_report(campaign),
    )


def _report(campaign: Campaign) -> dict:
    counts = reports.counts(campaign.id)
    funnel = reports.funnel(counts)
    return {
        "counts": counts,
        "funnel_svg": charts.funnel(funnel),
        "timeline_svg": charts.timeline(reports.over_time(campaign)),
        "failures": reports.failures(campaign.id),
        "audience": lifecycle.live_count(
            campaign.workspace_id,
            campaign.audience.get("tags", []),
            campaign.audience.get("segment_ids", []),
            campaign.channel,
        ),
    }


@bp.get("/campaigns/<int:campaign_id>/progress")
@login_required
@role_required(Role.ADMIN)
def progress(campaign_id: int):
    campaign = get_or_404(Campaign, campaign_id)
    return render_template("campaigns/_progress.html", campaign=campaign, **_report(campaign))


@bp.get("/campaigns/<int:campaign_id>/preview")
@login_required
@role_required(Role.ADMIN)
def preview(campaign_id: int):
    """The message as one recipient of the audience will read it (`?contact_id=`, else the first)."""
    campaign = get_or_404(Campaign, campaign_id)
    ids = audience_ids(campaign.workspace_id, campaign.audience or {})
    contacts = (
        db.session.scalars(
            sa.select(Contact).where(Contact.id.in_(ids.subquery().select())).order_by(Contact.id).limit(20)
        ).all()
        if ids is not None
        else []
    )
    chosen = next(
        (c for c in contacts if c.id == request.args.get("contact_id", type=int)), contacts[0] if contacts else None
    )
    rendered, error = {}, None
    if chosen is not None:
        try:
            rendered = {
                "subject": personalize.Renderer(campaign.subject).render(chosen),
                "body": personalize.Renderer(campaign.body).render(chosen),
                "variables": [
                    personalize.Renderer(v).render(chosen) for v in (campaign.template or {}).get("variables") or []
                ],
            }
        except personalize.TemplateError as failed:
            error = str(failed)
    return render_template(
        "campaigns/preview.html", campaign=campaign, contacts=contacts, chosen=chosen, rendered=rendered, error=error
    )


@bp.post("/campaigns/<int:campaign_id>/test")
@login_required
@role_required(Role.ADMIN)
def test(campaign_id: int):
    campaign = get_or_404(Campaign, campaign_id)
    form = TestSendForm()
    if form.validate_on_submit():
        enqueue(campaign_jobs.send_campaign_test, campaign.id, form.to.data.strip(), current_user.id)
        flash(_("Test sent to %(to)s.", to=form.to.data.strip()), "success")
    return redirect(url_for("campaigns.detail", campaign_id=campaign.id))


@bp.post("/campaigns/<int:campaign_id>/schedule")
@login_required
@role_required(Role.ADMIN)
def schedule(campaign_id: int):
    campaign = get_or_404(Campaign, campaign_id)
    form = ScheduleForm()
    if not form.validate_on_submit():
        flash(_("Choose a date and time."), "error")
        return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    try:
        lifecycle.schedule(campaign, form.scheduled_at.data, current_workspace().timezone)
    except lifecycle.CampaignError as error:
        flash(error.reason, "error")
        return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    db.session.commit()
    enqueue(campaign_jobs.start_scheduled_campaign, campaign.id, at=campaign.scheduled_at)
    flash(_("Campaign scheduled."), "success")
    return redirect(url_for("campaigns.detail", campaign_id=campaign.id))


@bp.post("/campaigns/<int:campaign_id>/<any(start, pause, resume, cancel, unschedule):action>")
@login_required
@role_required(Role.ADMIN)
def change(campaign_id: int, action: str):
    campaign = get_or_404(Campaign, campaign_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    try:
        getattr(lifecycle, action)(campaign)
    except lifecycle.CampaignError as error:
        flash(error.reason, "error")
        return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    db.session.commit()
    if action == "start":
        enqueue(campaign_jobs.materialize_audience, campaign.id)
    elif action == "resume":
        campaign_jobs.start_chains(campaign)
    return redirect(url_for("campaigns.detail", campaign_id=campaign.id))


@bp.get("/campaigns/<int:campaign_id>/recipients.csv")
@login_required
@role_required(Role.ADMIN)
def export(campaign_id: int):
    campaign = get_or_404(Campaign, campaign_id)
    return Response(
        stream_with_context(reports.recipient_csv(campaign.id)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="campaign-{campaign.id}.csv"'},
    )


@bp.post("/campaigns/segments")
@login_required
@role_required(Role.ADMIN)
def save_segment():
    """Save the contact list's current filters as a segment for campaign audiences."""
    form = SegmentForm()
    if form.validate_on_submit():
        filters = ContactFilters.from_dict(
            {
                "q": request.form.get("q"),
                "tags": request.form.getlist("tag"),
                "channel": request.form.get("channel"),
                "consent": request.form.get("consent"),
            }
        )
        workspace = current_workspace()
        name = form.name.data.strip()
        exists = db.session.scalar(sa.select(Segment).where(Segment.workspace_id == workspace.id, Segment.name == name))
        if exists:
            exists.filters = filters.to_dict()
        else:
            db.session.add(Segment(workspace_id=workspace.id, name=name, filters=filters.to_dict()))
        db.session.commit()
        flash(_("Segment “%(name)s” saved.", name=name), "success")
    return redirect(
        url_for(
            "contacts.index",
            q=request.form.get("q") or None,
            tag=request.form.getlist("tag") or None,
            channel=request.form.get("channel") or None,
            consent=request.form.get("consent") or None,
        )
    )


STATUS_LABELS = {
    "draft": _l("draft"),
    "scheduled": _l("scheduled"),
    "running": _l("running"),
    "paused": _l("paused"),
    "completed": _l("completed"),
    "canceled": _l("canceled"),
}


@bp.app_template_filter("campaign_status")
def campaign_status(status) -> str:
    return str(STATUS_LABELS.get(str(status), str(status)))
