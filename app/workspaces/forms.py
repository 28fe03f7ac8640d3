"""Forms of the workspaces blueprint."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, ValidationError

from app.i18n import is_timezone
from app.models import Role

ROLE_CHOICES = [
    SelectChoice(Role.AGENT.value, _l("Agent")),
    SelectChoice(Role.ADMIN.value, _l("Admin")),
    SelectChoice(Role.OWNER.value, _l("Owner")),
]


def _valid_timezone(form, field) -> None:
    if not is_timezone(field.data or ""):
        raise ValidationError(_l("Choose a time zone from the list."))


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=Role.AGENT.value)
    submit = SubmitField(_l("Send invitation"))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    submit = SubmitField(_l("Change role"))


class WorkspaceSettingsForm(FlaskForm):
    name = StringField(_l("Business name"), validators=[DataRequired(), Length(max=120)])
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), _valid_timezone])
    default_country = StringField(
        _l("Default country for phone numbers (two letters)"),
        validators=[DataRequired(), Length(min=2, max=2, message=_l("Use the two-letter country code, e.g. MX."))],
    )
    submit = SubmitField(_l("Save settings"))


class NewWorkspaceForm(FlaskForm):
    name = StringField(_l("Business name"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("Create workspace"))
