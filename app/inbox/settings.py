"""Admins' inbox settings: automation (business hours, away reply, human agent tag), keyword replies,
canned responses and labels. Services: they never commit."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.models import CannedResponse, InboxSettings, KeywordRule, Label, Workspace
from app.models.inbox import WEEKDAYS


class SettingsError(ValueError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def settings_of(workspace: Workspace) -> InboxSettings:
    """The workspace's settings row, created with Monday–Friday 09:00–17:00 the first time."""
    from app.inbox.automation import DEFAULT_HOURS

    found = db.session.scalar(sa.select(InboxSettings).where(InboxSettings.workspace_id == workspace.id))
    if found is None:
        found = InboxSettings(
            workspace_id=workspace.id,
            business_hours=dict(DEFAULT_HOURS),
            away_text="",
            away_period_hours=24,
            human_agent_tag=False,
            away_enabled=False,
        )
        db.session.add(found)
    return found


def update_automation(settings: InboxSettings, values: dict, hours: dict[str, tuple[str, str]]) -> None:
    """`hours` maps a weekday to (open, close) "HH:MM"; an empty pair closes the day."""
    business_hours = {}
    for day in WEEKDAYS:
        start, end = hours.get(day, ("", ""))
        if start and end:
            if start >= end:
                raise SettingsError(_("Opening time must be before closing time."))
            business_hours[day] = [start, end]
    if values["away_enabled"] and not values["away_text"].strip():
        raise SettingsError(_("Write the away reply before turning it on."))
    settings.business_hours = business_hours
    for key in ("human_agent_tag", "away_enabled", "away_text", "away_period_hours"):
        setattr(settings, key, values[key])


def _exists(model, workspace: Workspace, column, value: str) -> bool:
    return db.session.scalar(sa.select(model.id).where(model.workspace_id == workspace.id, column == value)) is not None


def add_label(workspace: Workspace, name: str) -> Label:
    name = name.strip()
    if _exists(Label, workspace, Label.name, name):
        raise SettingsError(_("That label exists already."))
    label = Label(workspace_id=workspace.id, name=name)
    db.session.add(label)
    return label


def add_canned(workspace: Workspace, shortcut: str, text: str) -> CannedResponse:
    shortcut = shortcut.strip().lstrip("/").lower()
    if _exists(CannedResponse, workspace, CannedResponse.shortcut, shortcut):
        raise SettingsError(_("That shortcut is taken."))
    canned = CannedResponse(workspace_id=workspace.id, shortcut=shortcut, text=text.strip())
    db.session.add(canned)
    return canned


def add_keyword(workspace: Workspace, keyword: str, reply: str) -> KeywordRule:
    rule = KeywordRule(workspace_id=workspace.id, keyword=keyword.strip(), reply=reply.strip(), active=True)
    db.session.add(rule)
    return rule


def listing(workspace: Workspace) -> dict:
    def rows(model, order):
        return list(db.session.scalars(sa.select(model).where(model.workspace_id == workspace.id).order_by(order)))

    return {
        "labels_list": rows(Label, Label.name),
        "canned_list": rows(CannedResponse, CannedResponse.shortcut),
        "keyword_list": rows(KeywordRule, KeywordRule.id),
    }
