"""One form per channel type; field names are CONTRACT §2's setting keys."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from app.models import ChannelKind


class _ChannelForm(FlaskForm):
    name = StringField(_l("Name shown to your team"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("Connect"))

    def settings(self) -> dict:
        skip = {"csrf_token", "submit", "name"}
        return {f.name: f.data for f in self if f.name not in skip and f.data not in (None, "")}


class MessengerForm(_ChannelForm):
    page_id = StringField(_l("Page ID"), validators=[DataRequired(), Length(max=64)])
    access_token = PasswordField(_l("Page access token"), validators=[DataRequired()])


class InstagramForm(_ChannelForm):
    ig_user_id = StringField(_l("Instagram account ID"), validators=[DataRequired(), Length(max=64)])
    access_token = PasswordField(_l("Page access token"), validators=[DataRequired()])


class WhatsAppForm(_ChannelForm):
    phone_number_id = StringField(_l("Phone number ID"), validators=[DataRequired(), Length(max=64)])
    waba_id = StringField(_l("WhatsApp Business account ID"), validators=[DataRequired(), Length(max=64)])
    access_token = PasswordField(_l("Access token"), validators=[DataRequired()])


class TelegramForm(_ChannelForm):
    bot_token = PasswordField(_l("Bot token from @BotFather"), validators=[DataRequired(), Length(max=100)])


class SmsForm(_ChannelForm):
    account_sid = StringField(_l("Account SID"), validators=[DataRequired(), Length(max=64)])
    auth_token = PasswordField(_l("Auth token"), validators=[DataRequired()])
    from_number = StringField(_l("Number (E.164, like +15551234567)"), validators=[DataRequired(), Length(max=20)])


class EmailForm(_ChannelForm):
    address = StringField(_l("Address customers write to"), validators=[DataRequired(), Email()])
    smtp_host = StringField(_l("SMTP server"), validators=[DataRequired(), Length(max=255)])
    smtp_port = IntegerField(_l("SMTP port"), default=587, validators=[DataRequired(), NumberRange(1, 65535)])
    smtp_username = StringField(_l("SMTP user name"), validators=[Optional(), Length(max=255)])
    smtp_password = PasswordField(_l("SMTP password"), validators=[Optional()])
    smtp_security = SelectField(
        _l("Security"),
        choices=[
            SelectChoice("starttls", "STARTTLS"),
            SelectChoice("ssl", "SSL/TLS"),
            SelectChoice("none", _l("None")),
        ],
        default="starttls",
    )


FORMS: dict[ChannelKind, type[_ChannelForm]] = {
    ChannelKind.MESSENGER: MessengerForm,
    ChannelKind.INSTAGRAM: InstagramForm,
    ChannelKind.WHATSAPP: WhatsAppForm,
    ChannelKind.TELEGRAM: TelegramForm,
    ChannelKind.SMS: SmsForm,
    ChannelKind.EMAIL: EmailForm,
}

KIND_LABELS = {
    ChannelKind.MESSENGER: _l("Facebook Messenger"),
    ChannelKind.INSTAGRAM: _l("Instagram Direct"),
    ChannelKind.WHATSAPP: _l("WhatsApp Business"),
    ChannelKind.TELEGRAM: _l("Telegram bot"),
    ChannelKind.SMS: _l("SMS (Twilio)"),
    ChannelKind.EMAIL: _l("E-mail"),
}
