"""Inbox pages: the list, a conversation, the reply box and the staff moves, live-update polling."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import to_utc
from flask_login import current_user, login_required

from app.extensions import csrf, db
from app.inbox import actions, bp, delivery, live, outbound, panel, queries, templates, uploads
from app.inbox.forms import LabelsForm, ReplyForm, SnoozeForm, StatusForm
from app.jobs import enqueue
from app.jobs.inbox import reopen_snoozed
from app.models import Attachment, AttachmentState, Conversation, ConversationStatus, Message, Role
from app.permissions import current_workspace, get_or_404, role_required
from app.storage import get_storage


def _filters() -> queries.Filters:
    return queries.Filters.from_args(request.args, default_status=ConversationStatus.OPEN.value)


def _page(conversation: Conversation | None = None, form: ReplyForm | None = None, status: int = 200):
    workspace = current_workspace()
    filters = _filters()
    counts, unread = queries.status_counts(workspace)
    page = queries.conversation_list(workspace, current_user, filters, request.args.get("cursor"))
    context = {
        "filters": filters,
        "page": page,
        "counts": counts,
        "unread": unread,
        "conversation": conversation,
        "channels": panel.channels(workspace),
        "labels": panel.labels(workspace),
    }
    if conversation is not None:
        context.update(_conversation_context(conversation, form, page))
    return render_template("inbox/index.html", **context), status


def _conversation_context(conversation: Conversation, form: ReplyForm | None, page: queries.Page) -> dict:
    policy = outbound.policy_for(conversation)
    found, error = templates.approved(conversation.channel) if policy.templates_only else ([], None)
    labels = page.labels if conversation in page.items else queries.labels_of([conversation.id])
    return {
        "thread": queries.thread(conversation, request.args.get("before")),
        "policy": policy,
        "templates": found,
        "templates_error": error,
        "form": form or ReplyForm(formdata=None),
        "conversation_labels": labels.get(conversation.id, []),
    }


def _panel_context(conversation: Conversation) -> dict:
    workspace = current_workspace()
    return {
        "conversation": conversation,
        "filters": _filters(),
        "members": panel.members(workspace),
        "labels": panel.labels(workspace),
        "conversation_labels": queries.labels_of([conversation.id]).get(conversation.id, []),
        "panel": panel.contact_panel(conversation.contact_id, workspace.id),
        "status_form": StatusForm(formdata=None, status=conversation.status.value),
    }


def _back(conversation: Conversation):
    return redirect(url_for("inbox.conversation", conversation_id=conversation.id, **request.args))


@bp.get("/inbox")
@login_required
@role_required(Role.AGENT)
def index():
    return _page()[0]


@bp.get("/inbox/list")
@login_required
@role_required(Role.AGENT)
def list_partial():
    """The list pane alone, for live updates and "load more"."""
    workspace = current_workspace()
    filters = _filters()
    page = queries.conversation_list(workspace, current_user, filters, request.args.get("cursor"))
    current = request.args.get("current", type=int)
    return render_template("inbox/_list.html", page=page, filters=filters, current_id=current)


@bp.get("/inbox/<int:conversation_id>")
@login_required
@role_required(Role.AGENT)
def conversation(conversation_id: int):
    conversation = get_or_404(Conversation, conversation_id)
    html = _page(conversation)[0]
    # Read once shown; committing after rendering spares reloading every expired row.
    if actions.mark_read(conversation):
        db.session.commit()
    return html


@bp.get("/inbox/<int:conversation_id>/panel")
@login_required
@role_required(Role.AGENT)
def panel_partial(conversation_id: int):
    """The contact's panel and the assign/labels/snooze forms, fetched after the page (or opened alone)."""
    conversation = get_or_404(Conversation, conversation_id)
    template = "inbox/_panel.html" if request.headers.get("X-Requested-With") == "fetch" else "inbox/panel.html"
    return render_template(template, **_panel_context(conversation))


@bp.get("/inbox/<int:conversation_id>/thread")
@login_required
@role_required(Role.AGENT)
def thread_partial(conversation_id: int):
    conversation = get_or_404(Conversation, conversation_id)
    html = render_template(
        "inbox/_thread.html", conversation=conversation, thread=queries.thread(conversation), filters=_filters()
    )
    if actions.mark_read(conversation):
        db.session.commit()
    return html


@bp.get("/inbox/poll")
@login_required
@role_required(Role.AGENT)
def poll():
    """Conditional polling: 304 while nothing this tab shows has changed."""
    version, unread = live.fingerprint(current_workspace().id, request.args.get("conversation", type=int))
    etag = f'"{version}-{unread}"'
    if request.headers.get("If-None-Match") == etag:
        return "", 304, {"ETag": etag, "Cache-Control": "no-cache"}
    return jsonify({"version": version, "unread": unread}), 200, {"ETag": etag, "Cache-Control": "no-cache"}


@bp.post("/inbox/<int:conversation_id>/reply")
@csrf.exempt  # the form checks its own CSRF token, so an expired page re-renders with the text kept
@login_required
@role_required(Role.AGENT)
def reply(conversation_id: int):
    conversation = get_or_404(Conversation, conversation_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _page(conversation, form, 400)
    try:
        message = _queue(conversation, form)
    except (outbound.ReplyError, uploads.UploadError) as refused:
        form.text.errors = [*form.text.errors, refused.reason]
        return _page(conversation, form, 422)
    db.session.commit()
    if message.kind != message.kind.NOTE:
        delivery.send_later(message.id)
    return _back(conversation)


def _queue(conversation: Conversation, form: ReplyForm) -> Message:
    if form.note.data:
        return outbound.add_note(conversation, current_user, form.text.data)
    upload = None
    if form.attachment.data and form.attachment.data.filename:
        upload = uploads.Upload(form.attachment.data.filename, form.attachment.data.read())
    if form.template_name.data:
        return _queue_template(conversation, form)
    return outbound.queue_reply(conversation, current_user, form.text.data, upload)


def _queue_template(conversation: Conversation, form: ReplyForm) -> Message:
    found, error = templates.approved(conversation.channel)
    chosen = next((t for t in found if f"{t['name']}:{t['language']}" == form.template_name.data), None)
    if chosen is None:
        raise outbound.ReplyError(error or _("Choose one of the approved templates."))
    values = [v.strip() for v in (form.template_vars.data or "").split("|")]
    try:
        payload, text = templates.build(chosen, [v for v in values if v])
    except ValueError as refused:
        raise outbound.ReplyError(str(refused)) from refused
    return outbound.queue_reply(conversation, current_user, text, template=payload)


@bp.post("/inbox/<int:conversation_id>/messages/<int:message_id>/retry")
@login_required
@role_required(Role.AGENT)
def retry(conversation_id: int, message_id: int):
    conversation = get_or_404(Conversation, conversation_id)
    message = get_or_404(Message, message_id)
    if message.conversation_id != conversation.id:
        abort(404)
    try:
        retried = outbound.retry(message)
    except outbound.ChannelRuleError as refused:
        flash(refused.reason, "error")
        return _back(conversation)
    db.session.commit()
    if retried:
        delivery.send_later(message.id)
        flash(_("Sending again."), "info")
    return _back(conversation)


@bp.post("/inbox/<int:conversation_id>/assign")
@login_required
@role_required(Role.AGENT)
def assign(conversation_id: int):
    conversation = get_or_404(Conversation, conversation_id)
    raw = request.form.get("assignee_id", "")
    wanted = current_user.id if raw == "me" else (int(raw) if raw.isdigit() else None)
    try:
        actions.assign(conversation, wanted)
    except actions.ActionError as refused:
        flash(refused.reason, "error")
        return _back(conversation)
    db.session.commit()
    return _back(conversation)


@bp.post("/inbox/<int:conversation_id>/status")
@login_required
@role_required(Role.AGENT)
def change_status(conversation_id: int):
    conversation = get_or_404(Conversation, conversation_id)
    form = StatusForm()
    if form.validate_on_submit():
        actions.set_status(conversation, ConversationStatus(form.status.data))
        db.session.commit()
        flash(_("Status changed."), "success")
    return _back(conversation)


@bp.post("/inbox/<int:conversation_id>/snooze")
@login_required
@role_required(Role.AGENT)
def snooze(conversation_id: int):
    conversation = get_or_404(Conversation, conversation_id)
    form = SnoozeForm()
    try:
        if not form.validate_on_submit():
            raise actions.ActionError(_("Choose when the conversation should come back."))
        until = to_utc(form.until.data)
        actions.snooze(conversation, until)
    except actions.ActionError as refused:
        flash(refused.reason, "error")
        return _back(conversation)
    db.session.commit()
    enqueue(reopen_snoozed, conversation.id, at=until)
    flash(_("Snoozed. It comes back on its own."), "success")
    return _back(conversation)


@bp.post("/inbox/<int:conversation_id>/labels")
@login_required
@role_required(Role.AGENT)
def set_labels(conversation_id: int):
    conversation = get_or_404(Conversation, conversation_id)
    form = LabelsForm()
    if form.validate_on_submit():
        actions.set_labels(conversation, form.label_ids.data)
        db.session.commit()
    return _back(conversation)


@bp.get("/inbox/attachments/<int:attachment_id>")
@login_required
@role_required(Role.AGENT)
def attachment(attachment_id: int):
    """Files only through this authorised route: members of the attachment's workspace."""
    stored = get_or_404(Attachment, attachment_id)
    if stored.state != AttachmentState.STORED or not stored.storage_key:
        abort(404)
    inline = uploads.is_inline(stored.content_type)
    response = send_file(
        get_storage().path(stored.storage_key),
        mimetype=stored.content_type if inline else "application/octet-stream",
        as_attachment=not inline,
        download_name=stored.filename or f"attachment-{stored.id}",
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/inbox/canned.json")
@login_required
@role_required(Role.AGENT)
def canned():
    """Canned responses for the reply box's `/shortcut` completion (fetched once per page)."""
    found = panel.canned_responses(current_workspace())
    return jsonify({"canned": [{"shortcut": c.shortcut, "text": c.text} for c in found]})


@bp.app_template_filter("day_groups")
def _day_groups(messages):
    return queries.day_groups(messages)
