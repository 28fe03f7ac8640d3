"""The conversation list: ordering, filters, search, keyset pages, counts, read state and the title."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.inbox import actions, queries
from app.models import ChannelKind, ConversationStatus, Role, utcnow
from tests.factories import (
    make_channel,
    make_contact,
    make_conversation,
    make_inbound,
    make_label,
    make_member,
    member_of,
)


@pytest.fixture
def agent(workspace):
    return make_member(workspace, Role.AGENT, name="Ana Agent")


def _conversation(workspace, kind=ChannelKind.TELEGRAM, minutes_ago=0, name=None, text="Hello", **fields):
    channel = make_channel(workspace, kind)
    contact = make_contact(workspace, channel, name=name or f"Contact {kind.value}")
    conversation = make_conversation(channel, contact, **fields)
    make_inbound(conversation, text, at=utcnow() - timedelta(minutes=minutes_ago))
    return conversation


def test_list_is_newest_activity_first_across_channels(workspace, owner):
    old = _conversation(workspace, ChannelKind.SMS, minutes_ago=30)
    new = _conversation(workspace, ChannelKind.WHATSAPP, minutes_ago=1)
    middle = _conversation(workspace, ChannelKind.EMAIL, minutes_ago=10)
    page = queries.conversation_list(workspace, owner, queries.Filters())
    assert [c.id for c in page.items] == [new.id, middle.id, old.id]


def test_filters_by_channel_status_assignee_and_label(workspace, owner, agent):
    sms = _conversation(workspace, ChannelKind.SMS, status=ConversationStatus.PENDING)
    mine = _conversation(workspace, ChannelKind.TELEGRAM, assignee_id=agent.id)
    labelled = _conversation(workspace, ChannelKind.EMAIL)
    label = make_label(workspace, "VIP")
    actions.set_labels(labelled, [label.id])
    db.session.commit()

    def ids(**filters):
        return {c.id for c in queries.conversation_list(workspace, agent, queries.Filters(**filters)).items}

    assert ids(channel_id=sms.channel_id) == {sms.id}
    assert ids(status="pending") == {sms.id}
    assert ids(assignee="mine") == {mine.id}
    assert ids(assignee="unassigned") == {sms.id, labelled.id}
    assert ids(label_id=label.id) == {labelled.id}


def test_search_finds_contact_names_and_message_text(workspace, owner):
    by_name = _conversation(workspace, name="Valentina Ortega", text="hola")
    by_text = _conversation(workspace, name="Someone Else", text="My croissant order is late")
    _conversation(workspace, name="Unrelated", text="nothing here")

    def found(q):
        return {c.id for c in queries.conversation_list(workspace, owner, queries.Filters(q=q)).items}

    assert found("valentina") == {by_name.id}
    assert found("croissant") == {by_text.id}
    assert found("croiss") == {by_text.id}
    assert found("nobody-matches-this") == set()


def test_search_never_reaches_another_workspace(workspace, owner):
    from tests.factories import make_workspace

    theirs = make_workspace(name="Theirs")
    _conversation(theirs, name="Secret Person", text="secret words")
    assert queries.conversation_list(workspace, owner, queries.Filters(q="secret")).items == []


def test_keyset_pages_walk_every_conversation_once_without_offset(workspace, owner):
    made = [_conversation(workspace, minutes_ago=n) for n in range(7)]
    seen, cursor = [], None
    while True:
        page = queries.conversation_list(workspace, owner, queries.Filters(), cursor, limit=3)
        seen += [c.id for c in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [c.id for c in made]


def test_conversations_with_the_same_time_page_by_id(workspace, owner):
    at = utcnow()
    made = [_conversation(workspace) for _ in range(4)]
    for conversation in made:
        conversation.last_message_at = at
    db.session.commit()
    first = queries.conversation_list(workspace, owner, queries.Filters(), limit=2)
    second = queries.conversation_list(workspace, owner, queries.Filters(), first.next_cursor, limit=2)
    assert [c.id for c in first.items + second.items] == sorted((c.id for c in made), reverse=True)


def test_status_counts_per_status_and_unread(workspace):
    _conversation(workspace)
    _conversation(workspace)
    resolved = _conversation(workspace, status=ConversationStatus.RESOLVED)
    resolved.unread_count = 0
    db.session.commit()
    counts, unread = queries.status_counts(workspace)
    assert counts == {"open": "2", "pending": "0", "resolved": "1", "snoozed": "0"} and unread == 2


def test_inbox_page_lists_conversations_and_shows_unread_in_title(client, login_as, workspace, owner):
    conversation = _conversation(workspace, name="Lucía Fernández", text="¿Tienen mesa?")
    login_as(owner, workspace)
    html = client.get("/inbox").get_data(as_text=True)
    assert "Lucía Fernández" in html and "¿Tienen mesa?" in html
    assert "<title>(1) Inbox" in html
    assert f"/inbox/{conversation.id}" in html


def test_opening_a_conversation_marks_it_read(client, login_as, workspace, owner):
    conversation = _conversation(workspace)
    assert conversation.unread_count == 1
    login_as(owner, workspace)
    assert client.get(f"/inbox/{conversation.id}").status_code == 200
    db.session.refresh(conversation)
    assert conversation.unread_count == 0


def test_list_filters_and_search_through_the_page(client, login_as, workspace, owner):
    _conversation(workspace, name="Findable Fiona", text="refund please")
    _conversation(workspace, name="Other Oscar", text="hello")
    login_as(owner, workspace)
    html = client.get("/inbox?q=refund&status=all").get_data(as_text=True)
    assert "Findable Fiona" in html and "Other Oscar" not in html


def test_thread_shows_day_separators_and_senders(client, login_as, workspace, owner):
    conversation = _conversation(workspace, name="Day Person", text="yesterday text", minutes_ago=60 * 30)
    make_inbound(conversation, "today text")
    login_as(member_of(workspace), workspace)
    html = client.get(f"/inbox/{conversation.id}").get_data(as_text=True)
    assert html.count('class="day-separator"') == 2
    assert "Day Person" in html
