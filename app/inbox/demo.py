"""`flask demo seed`: a realistic inbox on every channel, no provider needed, for a first look."""

from __future__ import annotations

import json
import random
import sys
from datetime import timedelta

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.auth import accounts
from app.extensions import db
from app.inbox import settings
from app.models import (
    Channel,
    ChannelKind,
    ChannelStatus,
    Contact,
    ContactIdentity,
    Conversation,
    ConversationLabel,
    ConversationStatus,
    Direction,
    Membership,
    Message,
    MessageKind,
    MessageStatus,
    Workspace,
    utcnow,
)

# Seeded, so every demo looks the same; nothing here is secret.
rng = random.Random(7)  # noqa: S311

demo_cli = AppGroup("demo", help="Demo data for trying Conversa.")

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password-123"  # noqa: S105  (printed to the person running the command)

# (kind, channel name, contact, external id, [(minutes ago, direction, text, status)], conversation status)
SCRIPTS = [
    (
        ChannelKind.WHATSAPP,
        "WhatsApp +52 55 1234 5678",
        "María López",
        "5215512345678",
        [
            (3000, "in", "Hola, ¿tienen pasteles sin gluten?", "received"),
            (2990, "out", "¡Hola María! Sí, los viernes horneamos sin gluten.", "read"),
            (1600, "in", "Perfecto, ¿puedo encargar uno para el sábado?", "received"),
        ],
        ConversationStatus.OPEN,
    ),
    (
        ChannelKind.MESSENGER,
        "Café Aurora (Facebook)",
        "James Carter",
        "6034567812345678",
        [
            (95, "in", "Hi! Are you open on Sunday?", "received"),
            (93, "out", "Hi James, yes: 9 am to 2 pm on Sundays.", "delivered"),
            (12, "in", "Great, can I book a table for 6?", "received"),
        ],
        ConversationStatus.OPEN,
    ),
    (
        ChannelKind.INSTAGRAM,
        "@cafe.aurora",
        "Lucía Fernández",
        "17841400000000001",
        [
            (4000, "in", "Me encantó el latte de lavanda 💜", "received"),
            (3990, "out", "¡Gracias Lucía! Vuelve pronto.", "read"),
        ],
        ConversationStatus.RESOLVED,
    ),
    (
        ChannelKind.TELEGRAM,
        "Aurora bot",
        "Ahmed Khan",
        "400123456",
        [
            (40, "in", "Do you deliver to Roma Norte?", "received"),
            (38, "out", "We do, delivery takes about 40 minutes.", "sent"),
            (5, "in", "Then I'd like two croissants and a flat white", "received"),
        ],
        ConversationStatus.OPEN,
    ),
    (
        ChannelKind.SMS,
        "SMS +1 415 555 0100",
        "Olivia Brown",
        "+14155550123",
        [
            (300, "in", "Is my order #1042 ready?", "received"),
            (298, "out", "Your order #1042 is ready for pickup.", "failed"),
        ],
        ConversationStatus.PENDING,
    ),
    (
        ChannelKind.EMAIL,
        "hola@cafe-aurora.example",
        "Carlos Ruiz",
        "carlos@example.com",
        [
            (1500, "in", "Quote for a catering order of 80 people next month", "received"),
            (1400, "note", "Ask Ana for the catering price list before answering.", "received"),
        ],
        ConversationStatus.OPEN,
    ),
]
FILLER_IN = [
    "Do you have vegan options?",
    "¿A qué hora abren mañana?",
    "Thanks a lot!",
    "¿Aceptan tarjeta?",
    "Can I change my order?",
    "Is there parking nearby?",
    "¿Hacen pasteles personalizados?",
]
FILLER_OUT = ["Yes, of course!", "Claro que sí.", "Let me check and come back to you.", "¡Con gusto!"]


def fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _workspace(workspace_id: int | None) -> Workspace:
    if workspace_id is not None:
        workspace = db.session.get(Workspace, workspace_id)
        if workspace is None:
            fail(f"no workspace with id {workspace_id}")
        return workspace
    user = accounts.find_user(DEMO_EMAIL) or accounts.create_user(
        email=DEMO_EMAIL, name="Demo Owner", password=DEMO_PASSWORD
    )
    return accounts.create_workspace("Café Aurora (demo)", user)


def _channel(workspace: Workspace, kind: ChannelKind, name: str) -> Channel:
    channel = Channel(
        workspace_id=workspace.id,
        kind=kind,
        name=name,
        external_id=f"demo-{kind.value}-{workspace.id}",
        status=ChannelStatus.ACTIVE,
        settings={"demo": True},
    )
    channel.credentials = {}
    db.session.add(channel)
    db.session.flush()
    return channel


def _conversation(workspace, channel, name, external_id, lines, status, agent_id) -> tuple[Conversation, int]:
    contact = Contact(workspace_id=workspace.id, name=name)
    db.session.add(contact)
    db.session.flush()
    identity = ContactIdentity(
        workspace_id=workspace.id,
        contact_id=contact.id,
        channel_id=channel.id,
        external_id=external_id,
        display_name=name,
    )
    db.session.add(identity)
    db.session.flush()
    now = utcnow()
    conversation = Conversation(
        workspace_id=workspace.id,
        channel_id=channel.id,
        contact_id=contact.id,
        identity_id=identity.id,
        status=status,
        assignee_id=agent_id if rng.random() < 0.5 else None,
    )
    db.session.add(conversation)
    db.session.flush()
    unread = 0
    for minutes, direction, text, state in lines:
        at = now - timedelta(minutes=minutes)
        kind = MessageKind.NOTE if direction == "note" else MessageKind.MESSAGE
        inbound = direction == "in"
        db.session.add(
            Message(
                workspace_id=workspace.id,
                conversation_id=conversation.id,
                channel_id=channel.id,
                direction=Direction.IN if inbound else Direction.OUT,
                kind=kind,
                text=text,
                status=MessageStatus(state),
                created_at=at,
                status_at=at,
                sender_id=None if inbound else agent_id,
                error="Twilio 21610: the recipient has unsubscribed (STOP)" if state == "failed" else None,
            )
        )
        if inbound:
            identity.last_inbound_at = conversation.last_inbound_at = at
            unread += 1
        elif kind == MessageKind.MESSAGE:
            unread = 0
        if kind == MessageKind.MESSAGE:
            conversation.last_message_at, conversation.preview = at, text[:200]
    conversation.unread_count = unread if status != ConversationStatus.RESOLVED else 0
    return conversation, len(lines)


@demo_cli.command("seed")
@click.option(
    "--workspace", "workspace_id", type=int, default=None, help="Fill this workspace (default: a new demo one)."
)
def seed(workspace_id: int | None) -> None:
    """Channels on every type (no provider), contacts and conversations with history, labels, canned answers."""
    workspace = _workspace(workspace_id)
    db.session.flush()
    agent_id = db.session.scalar(sa.select(Membership.user_id).where(Membership.workspace_id == workspace.id))
    found = settings.settings_of(workspace)
    found.away_text = "Thanks for writing! We're closed now and will answer when we open."
    vip = settings.add_label(workspace, "VIP") if not _has_label(workspace, "VIP") else None
    if not _has_canned(workspace, "hours"):
        settings.add_canned(workspace, "hours", "We're open Monday to Saturday, 8 am to 8 pm, and Sunday 9 am to 2 pm.")
        settings.add_canned(workspace, "thanks", "Thank you for writing to us! Is there anything else we can do?")
    channels, conversations, messages = 0, 0, 0
    for kind, name, contact, external_id, lines, status in SCRIPTS:
        channel = _channel(workspace, kind, name)
        channels += 1
        conversation, count = _conversation(workspace, channel, contact, external_id, lines, status, agent_id)
        conversations, messages = conversations + 1, messages + count
        if vip is not None and kind == ChannelKind.MESSENGER:
            db.session.flush()
            db.session.add(ConversationLabel(conversation_id=conversation.id, label_id=vip.id))
        for n in range(3):
            extra = [
                (
                    60 * (n + 2) * 7 + i * 3,
                    "in" if i % 2 == 0 else "out",
                    rng.choice(FILLER_IN if i % 2 == 0 else FILLER_OUT),
                    "received" if i % 2 == 0 else "read",
                )
                for i in range(4)
            ]
            person = rng.choice(["Sofía", "Diego", "Emma", "Noah", "Valentina", "Liam", "Camila", "Mateo"])
            _, count = _conversation(
                workspace,
                channel,
                f"{person} {chr(65 + n)}.",
                f"{external_id}-{n}",
                extra,
                rng.choice(list(ConversationStatus)[:3]),
                agent_id,
            )
            conversations, messages = conversations + 1, messages + count
    db.session.commit()
    click.echo(
        f"Demo inbox ready in workspace {workspace.id}. Sign in as a member (new demo: {DEMO_EMAIL} / {DEMO_PASSWORD})."
    )
    click.echo(
        json.dumps(
            {"workspace_id": workspace.id, "channels": channels, "conversations": conversations, "messages": messages}
        )
    )


def _has_label(workspace: Workspace, name: str) -> bool:
    from app.models import Label

    return (
        db.session.scalar(sa.select(Label.id).where(Label.workspace_id == workspace.id, Label.name == name)) is not None
    )


def _has_canned(workspace: Workspace, shortcut: str) -> bool:
    from app.models import CannedResponse

    return (
        db.session.scalar(
            sa.select(CannedResponse.id).where(
                CannedResponse.workspace_id == workspace.id, CannedResponse.shortcut == shortcut
            )
        )
        is not None
    )
