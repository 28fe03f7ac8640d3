"""Forms of the contacts blueprint."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

CONSENT_CHANNEL_CHOICES = [("sms", "SMS"), ("email", _l("E-mail")), ("whatsapp", "WhatsApp")]


class ContactForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=200)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Save"))


class TagForm(FlaskForm):
    name = StringField(_l("Tag"), validators=[DataRequired(), Length(max=60)])
    submit = SubmitField(_l("Add tag"))


class ConsentForm(FlaskForm):
    channel = SelectField(_l("Channel"), choices=[SelectChoice(v, label) for v, label in CONSENT_CHANNEL_CHOICES])
    status = SelectField(
        _l("Consent"), choices=[SelectChoice("granted", _l("Granted")), SelectChoice("withdrawn", _l("Withdrawn"))]
    )
    evidence = StringField(_l("Evidence"), validators=[DataRequired(), Length(max=400)])
    submit = SubmitField(_l("Record"))


class MergeForm(FlaskForm):
    other_id = IntegerField(_l("Duplicate contact number"), validators=[DataRequired()])
    submit = SubmitField(_l("Merge into this contact"))


class FieldForm(FlaskForm):
    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=40)])
    label = StringField(_l("Label"), validators=[DataRequired(), Length(max=80)])
    submit = SubmitField(_l("Add field"))


class KeywordForm(FlaskForm):
    withdraw = TextAreaField(_l("Opt-out keywords (one per line)"), validators=[Length(max=2000)])
    grant = TextAreaField(_l("Opt-in keywords (one per line)"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Save keywords"))


class UploadForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])
    submit = SubmitField(_l("Upload"))


class ImportOptionsForm(FlaskForm):
    tags = StringField(_l("Tag every imported contact with"), validators=[Optional(), Length(max=300)])
    consent_source = StringField(_l("Where the consent came from"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Import"))
