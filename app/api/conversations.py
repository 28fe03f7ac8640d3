"""Conversations and their messages (CONTRACT §4): list, read, reply (202 or 422 naming the rule), update."""

from __future__ import annotations

from flask import abort, jsonify, request

from app.api import bp
from app.api.openapi import describe, id_parameter, list_parameters
from app.api.pagination import requested_limit
from app.extensions import db
from app.inbox import actions, delivery, outbound, queries
from app.models import Conversation, ConversationStatus, Message, MessageStatus
from app.permissions import current_membership, current_workspace, get_or_404

ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def _iso(moment) -> str | None:
    return moment.isoformat() + "Z" if moment else None


def conversation_json(conversation: Conversation) -> dict:
    return {
        "id": conversation.id,
        "channel_id": conversation.channel_id,
        "channel_type": conversation.channel.kind.value,
        "status": conversation.status.value,
        "unread_count": conversation.unread_count,
        "last_message_at": _iso(conversation.last_message_at),
        "contact": {"id": conversation.contact.id, "name": conversation.contact.name},
        "assignee_id": conversation.assignee_id,
    }


def message_json(message: Message) -> dict:
    # CONTRACT §4: a worker's transient "sending" is shown as "queued".
    status = MessageStatus.QUEUED if message.status == MessageStatus.SENDING else message.status
    return {
        "id": message.id,
        "direction": message.direction.value,
        "text": message.text,
        "status": status.value,
        "error": message.error,
        "provider_message_id": message.provider_message_id,
        "created_at": _iso(message.created_at),
        "attachments": [
            {"id": a.id, "content_type": a.content_type, "size": a.size, "filename": a.filename}
            for a in message.attachments
        ],
    }


describe(
    "/conversations",
    "get",
    "Conversations, newest activity first",
    parameters=list_parameters("channel_id", "status", "q"),
)


@bp.get("/conversations")
def conversations_index():
    workspace = current_workspace()
    filters = queries.Filters.from_args(request.args)
    if request.args.get("status") and filters.status is None:
        abort(400, "status must be open, pending, resolved or snoozed")
    user = current_membership().user
    page = queries.conversation_list(workspace, user, filters, request.args.get("cursor"), requested_limit())
    return jsonify({"conversations": [conversation_json(c) for c in page.items], "next_cursor": page.next_cursor})


describe(
    "/conversations/{conversation_id}/messages",
    "get",
    "A conversation's messages, newest first (private notes are not included)",
    parameters=[id_parameter("conversation_id"), *list_parameters()],
    responses={"200": {"description": "OK"}, "404": {"$ref": "#/components/responses/NotFound"}},
)


@bp.get("/conversations/<int:conversation_id>/messages")
def messages_index(conversation_id: int):
    conversation = get_or_404(Conversation, conversation_id)
    page = queries.messages_page(conversation, request.args.get("cursor"), requested_limit())
    return jsonify({"messages": [message_json(m) for m in page.items], "next_cursor": page.next_cursor})


describe(
    "/conversations/{conversation_id}/messages",
    "post",
    "Reply with text; queued for sending",
    parameters=[id_parameter("conversation_id")],
    requestBody={
        "required": True,
        "content": {"application/json": {"schema": {"type": "object", "properties": {"text": {"type": "string"}}}}},
    },
    responses={
        "202": {"description": "Queued"},
        "404": {"$ref": "#/components/responses/NotFound"},
        "422": {"description": "Refused by a channel rule (24-hour window, opt-out) or empty", "content": ERROR},
    },
)


@bp.post("/conversations/<int:conversation_id>/messages")
def messages_create(conversation_id: int):
    conversation = get_or_404(Conversation, conversation_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        return jsonify({"error": 'text: a JSON body with a string "text" is required'}), 422
    try:
        message = outbound.queue_reply(conversation, current_membership().user, body["text"])
    except outbound.ChannelRuleError as refused:
        return jsonify({"error": f"{refused.rule}: {refused.reason}", "rule": refused.rule}), 422
    except outbound.ReplyError as refused:
        return jsonify({"error": f"text: {refused.reason}"}), 422
    db.session.commit()
    delivery.send_later(message.id)
    return jsonify({"message": message_json(message)}), 202


describe(
    "/conversations/{conversation_id}",
    "patch",
    "Change a conversation's status or assignee",
    parameters=[id_parameter("conversation_id")],
    requestBody={
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "status": {"type": "string", "enum": ["open", "pending", "resolved"]},
                        "assignee_id": {"type": ["integer", "null"]},
                    },
                }
            }
        },
    },
    responses={
        "200": {"description": "Updated"},
        "404": {"$ref": "#/components/responses/NotFound"},
        "422": {"description": "Invalid status or assignee", "content": ERROR},
    },
)


@bp.patch("/conversations/<int:conversation_id>")
def conversations_update(conversation_id: int):
    conversation = get_or_404(Conversation, conversation_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify({"error": "a JSON object is required"}), 422
    try:
        _apply_update(conversation, body)
    except actions.ActionError as refused:
        db.session.rollback()
        return jsonify({"error": refused.reason}), 422
    db.session.commit()
    return jsonify({"conversation": conversation_json(conversation)})


def _apply_update(conversation: Conversation, body: dict) -> None:
    if "status" in body:
        values = {s.value for s in ConversationStatus} - {ConversationStatus.SNOOZED.value}
        if body["status"] not in values:
            raise actions.ActionError("status: must be open, pending or resolved")
        actions.set_status(conversation, ConversationStatus(body["status"]))
    if "assignee_id" in body:
        wanted = body["assignee_id"]
        if wanted is not None and (not isinstance(wanted, int) or isinstance(wanted, bool)):
            raise actions.ActionError("assignee_id: must be a member's id or null")
        try:
            actions.assign(conversation, wanted)
        except actions.ActionError as refused:
            raise actions.ActionError(f"assignee_id: {refused.reason}") from refused
