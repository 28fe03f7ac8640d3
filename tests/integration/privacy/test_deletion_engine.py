"""The deletion engine run by a real RQ worker: what a Meta request removes, in every workspace."""

import hashlib
import hmac
from pathlib import Path

import sqlalchemy as sa

from app.models import (
    Attachment,
    AuditEvent,
    ChannelKind,
    Contact,
    ContactIdentity,
    Conversation,
    DataRequest,
    DeletionRequest,
    DeletionStatus,
    FacebookConnection,
    Message,
)
from app.storage import get_storage
from tests.factories import (
    make_attachment,
    make_channel,
    make_contact,
    make_conversation,
    make_message,
    make_user,
    make_workspace,
)
from tests.fakes.signed_request import signed_request
from tests.integration.privacy.conftest import APP_ID, APP_SECRET

STATUS_KEYS = {"confirmation_code", "status", "received_at", "completed_at", "deleted", "retained"}


def _ask(client, user_id: str) -> str:
    response = client.post("/meta/data-deletion", data={"signed_request": signed_request(user_id, APP_SECRET)})
    assert response.status_code == 200
    return response.get_json()["confirmation_code"]


def _status(client, code: str) -> dict:
    response = client.get(f"/data-deletion/{code}", headers={"Accept": "application/json"})
    assert response.status_code == 200
    return response.get_json()


def _conversation_with_files(channel, contact, files: int = 2):
    conversation = make_conversation(channel, contact)
    message = make_message(conversation, text="my address is 1 Secret Street")
    attachments = [make_attachment(message, content=f"file {n}".encode()) for n in range(files)]
    make_message(conversation)
    return [get_storage().path(a.storage_key) for a in attachments]


def test_deletion_spans_two_workspaces_and_removes_files(client, graph, db, run_jobs):
    first, second = make_workspace(), make_workspace()
    workspace_ids = [first.id, second.id]
    page_one = make_channel(first, ChannelKind.MESSENGER, external_id="PAGE1")
    page_two = make_channel(second, ChannelKind.INSTAGRAM, external_id="IG2")
    sms = make_channel(second, ChannelKind.SMS)
    alice_one = make_contact(first, page_one, external_id="ASID-1", name="Alice")
    alice_two = make_contact(second, page_two, external_id="ASID-1", name="Alice")
    bystander = make_contact(first, page_one, external_id="OTHER", name="Bob")
    files = _conversation_with_files(page_one, alice_one) + _conversation_with_files(page_two, alice_two)
    kept_files = _conversation_with_files(page_one, bystander)
    make_conversation(sms, make_contact(second, sms, external_id="ASID-1"))  # same string, not a Meta channel
    assert all(Path(f).exists() for f in files)
    gone, kept = (alice_one.id, alice_two.id), bystander.id

    code = _ask(client, "ASID-1")
    assert _status(client, code)["status"] == "received"
    assert run_jobs()

    status = _status(client, code)
    assert set(status) == STATUS_KEYS
    assert status["status"] == "completed" and status["completed_at"].endswith("Z")
    assert status["deleted"]["messages"] == 4
    assert status["deleted"]["attachments"] == 4
    assert status["deleted"]["conversations"] == 2
    assert status["deleted"]["contact_identities"] == 2
    assert status["deleted"]["contacts"] == 2
    assert status["retained"] == []
    assert not any(Path(f).exists() for f in files)
    assert all(Path(f).exists() for f in kept_files)
    db.session.expire_all()
    assert [db.session.get(Contact, ident) for ident in gone] == [None, None]
    assert db.session.get(Contact, kept) is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ContactIdentity)) == 2  # Bob, the SMS one
    request = db.session.scalar(sa.select(DeletionRequest).where(DeletionRequest.code == code))
    assert request.subject is None  # the Meta id is not kept once done
    logged = db.session.scalars(sa.select(DataRequest.workspace_id)).all()
    assert sorted(logged) == sorted(workspace_ids)
    audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "privacy.deletion_completed"))
    assert audit.details["counts"]["messages"] == 4
    assert "Secret Street" not in str(audit.details)


def test_page_scoped_ids_from_graph_are_deleted_on_their_page(client, graph, db, run_jobs, app):
    workspace = make_workspace()
    page = make_channel(workspace, ChannelKind.MESSENGER, external_id="PAGE-A")
    other_page = make_channel(workspace, ChannelKind.MESSENGER, external_id="PAGE-B")
    matched = make_contact(workspace, page, external_id="PSID-A")
    same_psid_other_page = make_contact(workspace, other_page, external_id="PSID-X")
    _conversation_with_files(page, matched, files=1)
    gone, kept = matched.id, same_psid_other_page.id
    graph.pages_of["ASID-9"] = [("PAGE-A", "PSID-A"), ("PAGE-B", "PSID-B"), ("UNKNOWN", "PSID-X")]

    code = _ask(client, "ASID-9")
    run_jobs()

    status = _status(client, code)
    assert status["deleted"]["contacts"] == 1 and status["deleted"]["messages"] == 2
    db.session.expire_all()
    assert db.session.get(Contact, gone) is None
    assert db.session.get(Contact, kept) is not None
    call = graph.calls_to("ids_for_pages")[-1]
    assert call["path"] == f"/graph/{app.config['META_GRAPH_VERSION']}/ASID-9/ids_for_pages"
    assert call["query"]["access_token"] == f"{APP_ID}|{APP_SECRET}"
    assert (
        call["query"]["appsecret_proof"]
        == hmac.new(APP_SECRET.encode(), f"{APP_ID}|{APP_SECRET}".encode(), hashlib.sha256).hexdigest()
    )


def test_graph_failure_still_deletes_app_scoped_matches(client, graph, db, run_jobs):
    graph.fail_next(500, times=3)
    workspace = make_workspace()
    page = make_channel(workspace, ChannelKind.MESSENGER)
    contact_id = make_contact(workspace, page, external_id="ASID-5").id
    code = _ask(client, "ASID-5")
    run_jobs()
    assert _status(client, code)["deleted"]["contacts"] == 1
    assert db.session.get(Contact, contact_id) is None


def test_contact_on_other_channels_keeps_its_profile(client, graph, db, run_jobs):
    workspace = make_workspace()
    page = make_channel(workspace, ChannelKind.MESSENGER)
    sms = make_channel(workspace, ChannelKind.SMS)
    contact = make_contact(workspace, page, external_id="ASID-7")
    db.session.add(
        ContactIdentity(
            workspace_id=workspace.id, contact_id=contact.id, channel_id=sms.id, external_id="+5215512345678"
        )
    )
    db.session.commit()
    messenger_conversation = make_conversation(page, contact)
    make_message(messenger_conversation)
    sms_conversation = make_conversation(sms, contact)
    make_message(sms_conversation)
    ids = (contact.id, sms_conversation.id, messenger_conversation.id)
    code = _ask(client, "ASID-7")
    run_jobs()
    status = _status(client, code)
    assert status["deleted"]["messages"] == 1 and status["deleted"]["contacts"] == 0
    db.session.expire_all()
    assert db.session.get(Contact, ids[0]) is not None
    assert db.session.get(Conversation, ids[1]) is not None
    assert db.session.get(Conversation, ids[2]) is None


def test_request_matching_nothing_completes_with_zero_counts(client, graph, run_jobs):
    code = _ask(client, "NOBODY")
    run_jobs()
    status = _status(client, code)
    assert status["status"] == "completed"
    assert set(status["deleted"].values()) == {0}
    page = client.get(f"/data-deletion/{code}").get_data(as_text=True)
    assert "found no data linked to this request" in page


def test_member_facebook_login_is_removed_and_account_kept_with_a_reason(client, graph, db, run_jobs):
    member = make_user()
    db.session.add(FacebookConnection(user_id=member.id, facebook_user_id="ASID-M"))
    db.session.commit()
    code = _ask(client, "ASID-M")
    run_jobs()
    status = _status(client, code)
    assert status["deleted"]["facebook_connections"] == 1
    assert status["retained"][0]["category"] == "member_account"
    assert "five years" in status["retained"][0]["reason"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FacebookConnection)) == 0


def test_after_completion_a_new_callback_gets_a_new_code(client, graph, run_jobs):
    first = _ask(client, "ASID-2")
    run_jobs()
    second = _ask(client, "ASID-2")
    assert second != first
    assert _status(client, first)["status"] == "completed"
    assert _status(client, second)["status"] == "received"


def test_a_failed_run_is_marked_failed_and_retried(client, graph, db, run_jobs):
    workspace = make_workspace()
    page = make_channel(workspace, ChannelKind.MESSENGER)
    contact = make_contact(workspace, page, external_id="ASID-F")
    conversation = make_conversation(page, contact)
    attachment = make_attachment(make_message(conversation))
    attachment_id, path = attachment.id, get_storage().path(attachment.storage_key)
    path.unlink()
    path.mkdir()  # a directory where the file should be: the storage cannot delete it, the run fails
    code = _ask(client, "ASID-F")
    run_jobs()
    assert _status(client, code)["status"] == "failed"
    request = db.session.scalar(sa.select(DeletionRequest).where(DeletionRequest.code == code))
    request_id = request.id
    assert request.last_error == "IsADirectoryError"
    path.rmdir()
    from app.jobs.privacy import retry_open_deletions

    assert retry_open_deletions() == [request_id]
    run_jobs()
    assert _status(client, code)["status"] == "completed"
    db.session.expire_all()
    assert db.session.get(Attachment, attachment_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0
    assert db.session.get(DeletionRequest, request_id).status == DeletionStatus.COMPLETED
