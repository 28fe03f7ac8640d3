"""Personalised bodies in a sandboxed Jinja: {{ first_name | default("there") }}, {{ name }}, custom fields.

Unknown variables are refused when the campaign is saved (StrictUndefined against every name a
contact can have); at send time a known but empty value is left undefined, so `default` applies.
"""

from __future__ import annotations

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, meta
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from app.models import Contact

BUILT_IN = ("name", "first_name", "last_name", "phone", "email")
_strict = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined)
_render = SandboxedEnvironment(autoescape=False)


class TemplateError(ValueError):
    """A body that cannot be used, with a message for the person writing it."""


def known_names(field_keys: list[str]) -> set[str]:
    return {*BUILT_IN, *field_keys}


def check(source: str, field_keys: list[str]) -> None:
    """Refuse syntax errors and unknown variables, naming them."""
    try:
        parsed = _strict.parse(source or "")
    except TemplateSyntaxError as error:
        raise TemplateError(f"line {error.lineno}: {error.message}") from error
    unknown = sorted(meta.find_undeclared_variables(parsed) - known_names(field_keys))
    if unknown:
        raise TemplateError("unknown variable: " + ", ".join(unknown))
    sample = dict.fromkeys(known_names(field_keys), "x")
    try:
        _strict.from_string(source or "").render(sample)
    except (UndefinedError, SecurityError, TypeError, ValueError) as error:
        raise TemplateError(str(error)) from error


def context_for(contact: Contact) -> dict:
    parts = (contact.name or "").split()
    values = {
        "name": contact.name,
        "first_name": parts[0] if parts else "",
        "last_name": " ".join(parts[1:]),
        "phone": contact.phone or "",
        "email": contact.email or "",
        **{k: v for k, v in (contact.custom_fields or {}).items() if isinstance(v, str)},
    }
    return {k: v for k, v in values.items() if v}  # empty stays undefined: `default(...)` applies


class Renderer:
    """One compiled template per campaign part, rendered for many contacts."""

    def __init__(self, source: str):
        self.template = _render.from_string(source or "")

    def render(self, contact: Contact) -> str:
        try:
            return self.template.render(context_for(contact))
        except (UndefinedError, SecurityError) as error:
            raise TemplateError(str(error)) from error
