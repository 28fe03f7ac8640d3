"""Factories with keyword overrides: make_user(), make_workspace(), make_channel(kind=) …"""

from __future__ import annotations

import itertools

import sqlalchemy as sa

from app.auth import accounts
from app.extensions import db
from app.models import (
    Channel,
    ChannelKind,
    Contact,
    ContactIdentity,
    Conversation,
    Direction,
    Membership,
    Message,
    MessageStatus,
    Role,
    User,
    Workspace,
)

_seq = itertools.count(1)
PASSWORD = "correct horse battery"


def make_user(**overrides) -> User:
    n = next(_seq)
    values = {"email": f"person{n}@example.com", "name": f"Person {n}", "password": PASSWORD}
    values.update(overrides)
    user = accounts.create_user(**values)
    db.session.commit()
    return user


def make_workspace(name: str | None = None, owner: User | None = None, **fields) -> Workspace:
    owner = owner or make_user()
    workspace = accounts.create_workspace(name or f"Business {next(_seq)}", owner)
    for key, value in fields.items():
        setattr(workspace, key, value)
    db.session.commit()
    return workspace


def member_of(workspace: Workspace, role: Role = Role.OWNER) -> User:
    """A member with `role`; for OWNER, the workspace's first owner."""
    if role == Role.OWNER:
        return db.session.scalar(
            sa.select(User).join(Membership).where(Membership.workspace_id == workspace.id, Membership.role == role)
        )
    return make_member(workspace, role)


def make_member(workspace: Workspace, role: Role = Role.AGENT, **user_fields) -> User:
    user = make_user(**user_fields)
    db.session.add(Membership(workspace_id=workspace.id, user_id=user.id, role=role))
    db.session.commit()
    return user


def membership(workspace: Workspace, user: User) -> Membership:
    return db.session.scalar(
        sa.select(Membership).where(Membership.workspace_id == workspace.id, Membership.user_id == user.id)
    )


def make_channel(workspace: Workspace, kind: ChannelKind = ChannelKind.TELEGRAM, **fields) -> Channel:
    n = next(_seq)
    credentials = fields.pop("credentials", {"access_token": f"token-{n}"})
    values = {"name": f"{kind.value.title()} {n}", "external_id": f"{kind.value}-{n}"}
    values.update(fields)
    channel = Channel(workspace_id=workspace.id, kind=kind, **values)
    channel.credentials = credentials
    db.session.add(channel)
    db.session.commit()
    return channel


def make_contact(workspace: Workspace, channel: Channel | None = None, **fields) -> Contact:
    """A contact; with `channel`, also its identity there (external id `ext-<n>` unless given)."""
    n = next(_seq)
    external_id = fields.pop("external_id", f"ext-{n}")
    contact = Contact(workspace_id=workspace.id, name=fields.pop("name", f"Customer {n}"), **fields)
    db.session.add(contact)
    db.session.flush()
    if channel is not None:
        db.session.add(
            ContactIdentity(
                workspace_id=workspace.id, contact_id=contact.id, channel_id=channel.id, external_id=external_id
            )
        )
    db.session.commit()
    return contact


def make_conversation(channel: Channel, contact: Contact | None = None, **fields) -> Conversation:
    contact = contact or make_contact(db.session.get(Workspace, channel.workspace_id), channel)
    identity = db.session.scalar(
        sa.select(ContactIdentity).where(
            ContactIdentity.contact_id == contact.id, ContactIdentity.channel_id == channel.id
        )
    )
    conversation = Conversation(
        workspace_id=channel.workspace_id,
        channel_id=channel.id,
        contact_id=contact.id,
        identity_id=identity.id if identity else None,
        **fields,
    )
    db.session.add(conversation)
    db.session.commit()
    return conversation


def make_message(conversation: Conversation, direction: Direction = Direction.IN, **fields) -> Message:
    default_status = MessageStatus.RECEIVED if direction == Direction.IN else MessageStatus.SENT
    values = {"text": f"Message {next(_seq)}", "status": default_status}
    values.update(fields)
    message = Message(
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.id,
        channel_id=conversation.channel_id,
        direction=direction,
        **values,
    )
    db.session.add(message)
    conversation.last_message_at = message.created_at or conversation.last_message_at
    conversation.preview = message.text[:200]
    db.session.commit()
    return message


def make_attachment(message: Message, content: bytes = b"\x89PNG fake image bytes", **fields):
    """An attachment whose file is really on disk, through app/storage.py."""
    from app.models import Attachment, AttachmentState
    from app.storage import get_storage

    key = get_storage().save(message.workspace_id, content)
    values = {"content_type": "image/png", "size": len(content), "filename": "photo.png"}
    values.update(fields)
    attachment = Attachment(
        workspace_id=message.workspace_id,
        message_id=message.id,
        storage_key=key,
        state=AttachmentState.STORED,
        **values,
    )
    db.session.add(attachment)
    db.session.commit()
    return attachment


def make_inbound(conversation: Conversation, text: str = "Hello", at=None, **fields) -> Message:
    """An inbound message as ingestion stores it: the conversation's activity, window and unread move too."""
    from app.models import ContactIdentity, utcnow

    at = at or utcnow()
    message = make_message(conversation, Direction.IN, text=text, created_at=at, **fields)
    conversation.last_message_at = conversation.last_inbound_at = at
    conversation.unread_count += 1
    if conversation.identity_id:
        db.session.get(ContactIdentity, conversation.identity_id).last_inbound_at = at
    db.session.commit()
    return message


def make_label(workspace: Workspace, name: str = "VIP"):
    from app.models import Label

    label = Label(workspace_id=workspace.id, name=name)
    db.session.add(label)
    db.session.commit()
    return label
