"""Forms of the auth blueprint."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from app.i18n import LANGUAGE_NAMES, is_timezone

PASSWORD_RULES = [DataRequired(), Length(min=10, max=200, message=_l("Use at least 10 characters."))]


def _valid_timezone(form, field) -> None:
    if field.data and not is_timezone(field.data):
        raise ValidationError(_l("Choose a time zone from the list."))


class SignupForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Work e-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=PASSWORD_RULES)
    workspace_name = StringField(_l("Business name"), validators=[DataRequired(), Length(max=120)])
    timezone = HiddenField(validators=[_valid_timezone])
    accept_terms = BooleanField(
        _l("I accept the terms of service and the privacy policy"),
        validators=[DataRequired(message=_l("You need to accept the terms and the privacy policy."))],
    )
    confirm_age = BooleanField(
        _l("I am 18 years of age or older"),
        validators=[DataRequired(message=_l("You must be 18 or older to use Conversa."))],
    )
    marketing = BooleanField(_l("Send me product news and offers (optional, you can stop at any time)"))
    submit = SubmitField(_l("Create my workspace"))


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in"))
    submit = SubmitField(_l("Sign in"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    submit = SubmitField(_l("Send me a reset link"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=PASSWORD_RULES)
    confirm = PasswordField(
        _l("Repeat the new password"), validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))]
    )
    submit = SubmitField(_l("Set password"))


class AcceptInvitationForm(FlaskForm):
    """For someone without an account yet: the same promises as sign-up."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(_l("Password"), validators=PASSWORD_RULES)
    timezone = HiddenField(validators=[_valid_timezone])
    accept_terms = SignupForm.accept_terms
    confirm_age = SignupForm.confirm_age
    marketing = SignupForm.marketing
    submit = SubmitField(_l("Join the workspace"))


class JoinForm(FlaskForm):
    submit = SubmitField(_l("Join the workspace"))


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    locale = SelectField(_l("Language"), choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()])
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), _valid_timezone])
    marketing = BooleanField(_l("Send me product news and offers"))
    submit = SubmitField(_l("Save profile"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=PASSWORD_RULES)
    submit = SubmitField(_l("Change password"))


class ApiTokenForm(FlaskForm):
    token_name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=80)])
    submit = SubmitField(_l("Create token"))


class ConfirmForm(FlaskForm):
    """A button that only needs CSRF protection (log out, revoke, …)."""

    submit = SubmitField(_l("Confirm"))
