"""The Spanish catalogue is complete: every string the UI can show has a translation."""

from babel.messages.extract import extract_from_dir

from app.catalog import merged
from app.config import ROOT

METHODS = [("app/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}


def _extracted() -> set:
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_every_ui_string_has_a_spanish_translation():
    catalogue = merged("es")
    missing = sorted(
        str(message)
        for message in _extracted()
        if catalogue.get(message if isinstance(message, str) else message[0]) is None
    )
    assert missing == [], f"{len(missing)} strings lack Spanish: {missing[:20]}"


def test_translations_keep_their_placeholders():
    import re

    placeholder = re.compile(r"%\(\w+\)s")
    for message in merged("es"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(placeholder.findall(ids[-1]))
        for string in strings:
            assert set(placeholder.findall(string)) == expected, message.id


def test_translated_text_works_outside_a_request(app):
    """Workers raise translated errors too: no request means English, never a crash."""
    from flask_babel import gettext

    assert gettext("Something went wrong.") == "Something went wrong."
