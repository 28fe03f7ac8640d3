"""Campaigns API (CONTRACT §4): create, start (202) and read with counts."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from app.api import bp
from app.api.openapi import describe, id_parameter
from app.campaigns import lifecycle, reports
from app.extensions import db
from app.jobs import campaigns as campaign_jobs
from app.jobs import enqueue
from app.models import Campaign, Role
from app.permissions import current_membership, current_workspace, get_or_404

describe(
    "/campaigns",
    "post",
    "Create a campaign",
    {"201": {"description": "Created"}, "422": {"description": "Refused, with the reason"}},
)
describe(
    "/campaigns/{campaign_id}/start",
    "post",
    "Start sending",
    {"202": {"description": "Accepted"}},
    parameters=[id_parameter("campaign_id")],
)
describe(
    "/campaigns/{campaign_id}", "get", "A campaign with its recipient counts", parameters=[id_parameter("campaign_id")]
)


def _error(message: str, status: int):
    return jsonify({"error": message}), status


def _admin() -> bool:
    membership = current_membership()
    return membership is not None and membership.role.at_least(Role.ADMIN)


@bp.post("/campaigns")
def create_campaign():
    if not _admin():
        return _error("campaigns need an admin or owner token", 403)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _error("send a JSON object", 400)
    template = data.get("template") if isinstance(data.get("template"), dict) else None
    audience = data.get("audience") if isinstance(data.get("audience"), dict) else {}
    try:
        campaign = lifecycle.save(
            current_workspace(),
            lifecycle.CampaignInput(
                name=str(data.get("name") or ""),
                channel_id=data.get("channel_id") if isinstance(data.get("channel_id"), int) else None,
                tags=[str(t) for t in audience.get("tags") or []],
                segment_ids=[int(s) for s in audience.get("segment_ids") or [] if str(s).isdigit()],
                body=str(data.get("body") or ""),
                subject=str(data.get("subject") or ""),
                template=template,
            ),
            user_id=current_user.id if current_user.is_authenticated else current_membership().user_id,
        )
        if data.get("scheduled_at"):
            from datetime import datetime

            at = datetime.fromisoformat(str(data["scheduled_at"]).replace("Z", "+00:00"))
            lifecycle.schedule(
                campaign,
                at.replace(tzinfo=None) if at.tzinfo is None else at.astimezone(_zone()).replace(tzinfo=None),
                current_workspace().timezone,
            )
    except lifecycle.CampaignError as error:
        db.session.rollback()
        return _error(f"{error.field}: {error.reason}", 422)
    except ValueError:
        db.session.rollback()
        return _error("scheduled_at: not an ISO 8601 time", 422)
    db.session.commit()
    if campaign.scheduled_at:
        enqueue(campaign_jobs.start_scheduled_campaign, campaign.id, at=campaign.scheduled_at)
    return jsonify({"id": campaign.id}), 201


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(current_workspace().timezone)


@bp.post("/campaigns/<int:campaign_id>/start")
def start_campaign(campaign_id: int):
    if not _admin():
        return _error("campaigns need an admin or owner token", 403)
    campaign = get_or_404(Campaign, campaign_id)
    try:
        lifecycle.start(campaign)
    except lifecycle.CampaignError as error:
        return _error(error.reason, 409)
    db.session.commit()
    enqueue(campaign_jobs.materialize_audience, campaign.id)
    return jsonify({"id": campaign.id, "status": str(campaign.status)}), 202


@bp.get("/campaigns/<int:campaign_id>")
def campaign_detail(campaign_id: int):
    campaign = get_or_404(Campaign, campaign_id)
    return jsonify(
        {
            "id": campaign.id,
            "name": campaign.name,
            "status": str(campaign.status),
            "counts": reports.counts(campaign.id),
        }
    )
