"""Staff moves: assign, status, labels, snooze (a scheduled job reopens it) and the live-update poll."""

from datetime import timedelta

from rq.registry import ScheduledJobRegistry

from app.extensions import db
from app.jobs import enqueue, get_queue
from app.jobs.inbox import reopen_due_snoozes, reopen_snoozed
from app.models import Conversation, ConversationLabel, ConversationStatus, Role, utcnow
from tests.factories import (
    make_channel,
    make_conversation,
    make_inbound,
    make_label,
    make_member,
    make_workspace,
    member_of,
)


def _fresh(conversation_id):
    db.session.expire_all()
    return db.session.get(Conversation, conversation_id)


def _conversation(workspace):
    conversation = make_conversation(make_channel(workspace))
    make_inbound(conversation, "Hello")
    return conversation


def test_assign_to_me_and_to_a_member(client, login_as, workspace, owner):
    conversation = _conversation(workspace)
    colleague = make_member(workspace, Role.AGENT)
    login_as(owner, workspace)
    client.post(f"/inbox/{conversation.id}/assign", data={"assignee_id": "me"})
    assert _fresh(conversation.id).assignee_id == owner.id
    client.post(f"/inbox/{conversation.id}/assign", data={"assignee_id": str(colleague.id)})
    assert _fresh(conversation.id).assignee_id == colleague.id


def test_cannot_assign_someone_from_another_workspace(client, login_as, workspace, owner):
    conversation = _conversation(workspace)
    stranger = member_of(make_workspace(name="Theirs"))
    login_as(owner, workspace)
    client.post(f"/inbox/{conversation.id}/assign", data={"assignee_id": str(stranger.id)})
    assert _fresh(conversation.id).assignee_id is None


def test_status_change_and_resolve(client, login_as, workspace, owner):
    conversation = _conversation(workspace)
    login_as(owner, workspace)
    client.post(f"/inbox/{conversation.id}/status", data={"status": "resolved"})
    found = _fresh(conversation.id)
    assert found.status == ConversationStatus.RESOLVED and found.resolved_at is not None


def test_labels_are_set_and_only_this_workspaces_labels_count(client, login_as, workspace, owner):
    conversation = _conversation(workspace)
    mine = make_label(workspace, "VIP")
    theirs = make_label(make_workspace(name="Theirs"), "Theirs")
    login_as(owner, workspace)
    client.post(f"/inbox/{conversation.id}/labels", data={"label_ids": [str(mine.id), str(theirs.id)]})
    labels = db.session.query(ConversationLabel.label_id).filter_by(conversation_id=conversation.id).all()
    assert [row[0] for row in labels] == [mine.id]


def test_snooze_schedules_a_job_that_reopens_the_conversation(client, login_as, workspace, owner, run_jobs):
    conversation = _conversation(workspace)
    login_as(owner, workspace)
    until = (utcnow() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")  # the owner's time zone is UTC
    client.post(f"/inbox/{conversation.id}/snooze", data={"until": until})
    found = _fresh(conversation.id)
    assert found.status == ConversationStatus.SNOOZED
    assert ScheduledJobRegistry(queue=get_queue("default")).count == 1
    found.snoozed_until = utcnow() - timedelta(minutes=1)  # the time has come
    db.session.commit()
    conversation_id = conversation.id
    enqueue(reopen_snoozed, conversation_id)  # what the scheduler runs at that time
    run_jobs()
    found = _fresh(conversation_id)
    assert found.status == ConversationStatus.OPEN and found.snoozed_until is None


def test_a_snooze_moved_later_is_not_reopened_early(workspace, run_jobs):
    conversation = _conversation(workspace)
    conversation.status, conversation.snoozed_until = ConversationStatus.SNOOZED, utcnow() + timedelta(days=1)
    db.session.commit()
    conversation_id = conversation.id
    enqueue(reopen_snoozed, conversation_id)
    run_jobs()
    assert _fresh(conversation_id).status == ConversationStatus.SNOOZED


def test_periodic_sweep_reopens_overdue_snoozes(workspace, run_jobs):
    conversation = _conversation(workspace)
    conversation.status, conversation.snoozed_until = ConversationStatus.SNOOZED, utcnow() - timedelta(minutes=5)
    db.session.commit()
    conversation_id = conversation.id
    enqueue(reopen_due_snoozes)
    run_jobs()
    assert _fresh(conversation_id).status == ConversationStatus.OPEN


def test_snooze_in_the_past_is_refused(client, login_as, workspace, owner):
    conversation = _conversation(workspace)
    login_as(owner, workspace)
    past = (utcnow() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/inbox/{conversation.id}/snooze", data={"until": past}, follow_redirects=True)
    assert "Choose a time in the future" in response.get_data(as_text=True)
    assert _fresh(conversation.id).status == ConversationStatus.OPEN


def test_poll_answers_304_until_a_new_message_arrives(client, login_as, workspace, owner):
    conversation = _conversation(workspace)
    login_as(owner, workspace)
    url = f"/inbox/poll?conversation={conversation.id}"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and first.get_json()["unread"] == 1
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    make_inbound(_fresh(conversation.id), "New one", at=utcnow() + timedelta(seconds=1))
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_poll_notices_a_colleagues_status_change(client, login_as, workspace, owner):
    conversation = _conversation(workspace)
    login_as(owner, workspace)
    etag = client.get("/inbox/poll").headers["ETag"]
    client.post(f"/inbox/{conversation.id}/status", data={"status": "pending"})
    assert client.get("/inbox/poll", headers={"If-None-Match": etag}).status_code == 200


def test_list_and_thread_partials_render_for_live_updates(client, login_as, workspace, owner):
    conversation = _conversation(workspace)
    make_inbound(_fresh(conversation.id), "Live text")
    login_as(owner, workspace)
    assert "Live text" in client.get("/inbox/list").get_data(as_text=True)
    assert "Live text" in client.get(f"/inbox/{conversation.id}/thread").get_data(as_text=True)
    assert _fresh(conversation.id).unread_count == 0


def test_contact_panel_shows_identities_tags_consent_and_the_contact_link(client, login_as, workspace, owner):
    from app.models import ChannelKind, ConsentStatus
    from app.privacy.consent import record_consent
    from tests.factories import make_contact

    channel = make_channel(workspace, ChannelKind.SMS, name="Main SMS line")
    contact = make_contact(
        workspace, channel, name="Olivia Brown", external_id="+14155550123", notes="Allergic to nuts"
    )
    conversation = make_conversation(channel, contact)
    record_consent(contact, ChannelKind.SMS, ConsentStatus.WITHDRAWN, "keyword", "STOP")
    db.session.commit()
    login_as(owner, workspace)
    html = client.get(f"/inbox/{conversation.id}/panel", headers={"X-Requested-With": "fetch"}).get_data(as_text=True)
    assert "Main SMS line" in html and "+14155550123" in html and "Allergic to nuts" in html
    assert "withdrawn (opted out)" in html and f'href="/contacts/{contact.id}"' in html
    assert "<html" not in html  # a fragment for the page; without JavaScript the link opens a full page
    assert "<html" in client.get(f"/inbox/{conversation.id}/panel").get_data(as_text=True)
