"""Forms of the privacy blueprint."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.models import META_RETENTION_DAYS


def parse_fields(text: str) -> dict[str, str]:
    """`key: value` per line → {"key": "value"}."""
    fields = {}
    for line in (text or "").splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            fields[key.strip()] = value.strip()
    return fields


def _fields_lines(form, field) -> None:
    for line in (field.data or "").splitlines():
        if line.strip() and ":" not in line:
            raise ValidationError(_l("Write one field per line, as name: value."))


class CorrectContactForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=200)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    custom_fields = TextAreaField(_l("Custom fields"), validators=[_fields_lines, Length(max=5000)])
    submit = SubmitField(_l("Save corrections"))


class PrivacySettingsForm(FlaskForm):
    regime = SelectField(
        _l("Privacy law for response deadlines"),
        choices=[
            SelectChoice("gdpr", _l("GDPR (European Union): one month")),
            SelectChoice("arco", _l("Mexico, ARCO rights (LFPDPPP): 20 business days")),
            SelectChoice("ccpa", _l("California (CCPA): 45 days")),
        ],
    )
    meta_retention_days = IntegerField(
        _l("Keep Messenger, Instagram and WhatsApp conversations for (days)"),
        validators=[
            DataRequired(),
            NumberRange(min=30, max=META_RETENTION_DAYS, message=_l("Between 30 and 730 days (two years).")),
        ],
    )
    submit = SubmitField(_l("Save"))


class IncidentForm(FlaskForm):
    title = StringField(_l("What happened"), validators=[DataRequired(), Length(max=200)])
    detected_at = DateTimeLocalField(_l("When we became aware of it (UTC)"), validators=[DataRequired()])
    involves_meta_data = BooleanField(_l("Data received from Meta (Messenger, Instagram, WhatsApp) may be involved"))
    description = TextAreaField(
        _l("Details: what data, how many people, what was done"), validators=[Length(max=10000)]
    )
    submit = SubmitField(_l("Record incident"))


class NotificationForm(FlaskForm):
    recipient = SelectField(
        _l("Who was notified"),
        choices=[
            SelectChoice("meta", _l("Meta (Platform incident report)")),
            SelectChoice("owners", _l("Owners of affected workspaces")),
            SelectChoice("authority", _l("Data protection authority")),
            SelectChoice("contacts", _l("Affected people")),
        ],
    )
    method = StringField(_l("How (form, e-mail, phone…)"), validators=[DataRequired(), Length(max=60)])
    note = StringField(_l("Reference or note"), validators=[Length(max=500)])
    submit = SubmitField(_l("Add to the log"))


class CloseAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired()])
    submit = SubmitField(_l("Close my account"))


class CloseWorkspaceForm(FlaskForm):
    confirm_name = StringField(_l("Type the workspace name to confirm"), validators=[DataRequired()])
    password = PasswordField(_l("Your password"), validators=[DataRequired()])
    submit = SubmitField(_l("Close this workspace"))
