"""The contact consent ledger: append-only, newest event is the state."""

from app.extensions import db
from app.models import ChannelKind, ConsentEvent, ConsentStatus
from app.privacy.consent import consent_state, is_opted_out, record_consent
from tests.factories import make_contact


def test_newest_event_is_the_state_and_history_is_kept(workspace):
    contact = make_contact(workspace)
    record_consent(contact, ChannelKind.SMS, ConsentStatus.GRANTED, "import", "contacts.csv row 4")
    db.session.commit()
    record_consent(contact, ChannelKind.SMS, ConsentStatus.WITHDRAWN, "keyword", "STOP in SM123")
    db.session.commit()
    assert consent_state(contact.id, ChannelKind.SMS) == ConsentStatus.WITHDRAWN
    assert is_opted_out(contact.id, ChannelKind.SMS)
    assert db.session.query(ConsentEvent).count() == 2


def test_unchanged_state_appends_nothing(workspace):
    contact = make_contact(workspace)
    assert record_consent(contact, ChannelKind.EMAIL, ConsentStatus.GRANTED, "form")
    db.session.commit()
    assert record_consent(contact, ChannelKind.EMAIL, ConsentStatus.GRANTED, "form") is None


def test_channels_are_independent(workspace):
    contact = make_contact(workspace)
    record_consent(contact, ChannelKind.SMS, ConsentStatus.WITHDRAWN, "keyword")
    db.session.commit()
    assert consent_state(contact.id, ChannelKind.EMAIL) is None
    assert not is_opted_out(contact.id, ChannelKind.EMAIL)
