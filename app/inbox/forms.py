"""Forms of the inbox: the reply box, conversation moves, and the admins' settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from app.models import ConversationStatus
from app.models.inbox import WEEKDAYS

STATUS_LABELS = {
    ConversationStatus.OPEN: _l("Open"),
    ConversationStatus.PENDING: _l("Pending"),
    ConversationStatus.RESOLVED: _l("Resolved"),
    ConversationStatus.SNOOZED: _l("Snoozed"),
}
DAY_LABELS = {
    "mon": _l("Monday"),
    "tue": _l("Tuesday"),
    "wed": _l("Wednesday"),
    "thu": _l("Thursday"),
    "fri": _l("Friday"),
    "sat": _l("Saturday"),
    "sun": _l("Sunday"),
}
TIME = r"^([01]\d|2[0-3]):[0-5]\d$"


class ReplyForm(FlaskForm):
    text = TextAreaField(_l("Message"), validators=[Length(max=4096)])
    attachment = FileField(_l("Attach a file"))
    template_name = SelectField(_l("Template"), choices=[], validate_choice=False)
    template_vars = StringField(_l("Template values"), validators=[Optional(), Length(max=1000)])
    send = SubmitField(_l("Send"))
    note = SubmitField(_l("Save as private note"))


class AssignForm(FlaskForm):
    assignee_id = SelectField(_l("Assignee"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Assign"))


class StatusForm(FlaskForm):
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(s.value, label) for s, label in STATUS_LABELS.items() if s != ConversationStatus.SNOOZED],
    )
    submit = SubmitField(_l("Change status"))


class SnoozeForm(FlaskForm):
    until = DateTimeLocalField(_l("Snooze until"), validators=[DataRequired()], format="%Y-%m-%dT%H:%M")
    submit = SubmitField(_l("Snooze"))


class LabelsForm(FlaskForm):
    label_ids = SelectMultipleField(_l("Labels"), coerce=int, choices=[], validate_choice=False)
    submit = SubmitField(_l("Save labels"))


class LabelForm(FlaskForm):
    name = StringField(_l("Label"), validators=[DataRequired(), Length(max=40)])
    submit = SubmitField(_l("Add label"))


class CannedResponseForm(FlaskForm):
    shortcut = StringField(
        _l("Shortcut"),
        validators=[
            DataRequired(),
            Length(max=40),
            Regexp(r"^[\w-]+$", message=_l("Letters, digits, dashes and underscores only.")),
        ],
    )
    text = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=4096)])
    submit = SubmitField(_l("Add canned response"))


class KeywordRuleForm(FlaskForm):
    keyword = StringField(_l("Keyword"), validators=[DataRequired(), Length(max=60)])
    reply = TextAreaField(_l("Automatic reply"), validators=[DataRequired(), Length(max=4096)])
    submit = SubmitField(_l("Add keyword reply"))


class AutomationForm(FlaskForm):
    human_agent_tag = BooleanField(_l("Use Messenger's human agent tag (answer up to 7 days after the last message)"))
    away_enabled = BooleanField(_l("Send an away reply outside business hours"))
    away_text = TextAreaField(_l("Away reply"), validators=[Length(max=4096)])
    away_period_hours = IntegerField(
        _l("Send it at most once per conversation every (hours)"),
        validators=[DataRequired(), NumberRange(min=1, max=720)],
        default=24,
    )
    submit = SubmitField(_l("Save automation"))


for _day in WEEKDAYS:
    setattr(AutomationForm, f"{_day}_open", StringField(validators=[Optional(), Regexp(TIME)]))
    setattr(AutomationForm, f"{_day}_close", StringField(validators=[Optional(), Regexp(TIME)]))
