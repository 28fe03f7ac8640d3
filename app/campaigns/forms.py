"""Forms of the campaigns blueprint."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class CampaignForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    channel_id = SelectField(_l("Channel"), coerce=int)
    tags = SelectMultipleField(_l("Contacts with any of these tags"), validate_choice=False)
    segment_ids = SelectMultipleField(_l("Or in any of these segments"), coerce=int, validate_choice=False)
    subject = StringField(_l("Subject (e-mail)"), validators=[Optional(), Length(max=300)])
    body = TextAreaField(_l("Message"), validators=[Optional(), Length(max=20000)])
    template_name = StringField(_l("Approved template name (WhatsApp)"), validators=[Optional(), Length(max=120)])
    template_language = StringField(_l("Template language code"), validators=[Optional(), Length(max=12)])
    template_variables = TextAreaField(
        _l("Template variables, one per line"), validators=[Optional(), Length(max=2000)]
    )
    submit = SubmitField(_l("Save campaign"))


class ScheduleForm(FlaskForm):
    scheduled_at = DateTimeLocalField(_l("Send at"), validators=[DataRequired()], format="%Y-%m-%dT%H:%M")
    submit = SubmitField(_l("Schedule"))


class TestSendForm(FlaskForm):
    to = StringField(_l("Send a test to"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Send test"))


class SegmentForm(FlaskForm):
    name = StringField(_l("Segment name"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("Save as segment"))
