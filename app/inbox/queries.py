"""The inbox's reads: the conversation list (filters, search, keyset pages), status counts, a thread."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import to_user_timezone

from app.api.pagination import decode_cursor, encode_cursor
from app.extensions import db
from app.models import (
    Contact,
    Conversation,
    ConversationLabel,
    ConversationStatus,
    Label,
    Message,
    MessageKind,
    User,
    Workspace,
)

PAGE_SIZE = 25
THREAD_SIZE = 50
# Status counts stop at this many: exact beyond it would mean counting every row on every render.
COUNT_CAP = 999


@dataclass
class Filters:
    channel_id: int | None = None
    status: str | None = None  # a ConversationStatus value, or None for every status
    assignee: str = "all"  # all, mine, unassigned, or a member's id
    label_id: int | None = None
    q: str = ""

    @classmethod
    def from_args(cls, args, default_status: str | None = None) -> Filters:
        def number(name: str) -> int | None:
            raw = args.get(name, "")
            return int(raw) if raw.isdigit() else None

        status = args.get("status", default_status or "")
        if status not in {s.value for s in ConversationStatus}:
            status = None
        assignee = args.get("assignee", "all")
        if assignee not in {"all", "mine", "unassigned"} and not assignee.isdigit():
            assignee = "all"
        return cls(number("channel_id"), status, assignee, number("label_id"), args.get("q", "").strip()[:200])

    def as_args(self) -> dict:
        values = {
            "channel_id": self.channel_id,
            "status": self.status or "all",
            "assignee": self.assignee,
            "label_id": self.label_id,
            "q": self.q,
        }
        return {key: value for key, value in values.items() if value not in (None, "")}


@dataclass
class Page:
    items: list
    next_cursor: str | None
    labels: dict[int, list[Label]] = field(default_factory=dict)


def conversation_list(
    workspace: Workspace, user: User, filters: Filters, cursor: str | None = None, limit: int = PAGE_SIZE
) -> Page:
    """Newest activity first, keyset-paginated on (last_message_at, id): one statement, plus one for labels."""
    query = (
        sa.select(Conversation)
        .where(Conversation.workspace_id == workspace.id)
        .options(
            so.joinedload(Conversation.contact),
            so.joinedload(Conversation.channel),
            so.joinedload(Conversation.assignee),
        )
    )
    query = _filtered(query, workspace, user, filters)
    if cursor:
        moment, ident = decode_cursor(cursor)
        query = query.where(
            sa.or_(
                Conversation.last_message_at < moment,
                sa.and_(Conversation.last_message_at == moment, Conversation.id < ident),
            )
        )
    query = query.order_by(Conversation.last_message_at.desc(), Conversation.id.desc()).limit(limit + 1)
    rows = list(db.session.scalars(query).unique())
    next_cursor = encode_cursor(rows[limit - 1].last_message_at, rows[limit - 1].id) if len(rows) > limit else None
    rows = rows[:limit]
    return Page(rows, next_cursor, labels_of([c.id for c in rows]))


def _filtered(query: sa.Select, workspace: Workspace, user: User, filters: Filters) -> sa.Select:
    if filters.channel_id:
        query = query.where(Conversation.channel_id == filters.channel_id)
    if filters.status:
        query = query.where(Conversation.status == filters.status)
    if filters.assignee == "mine":
        query = query.where(Conversation.assignee_id == user.id)
    elif filters.assignee == "unassigned":
        query = query.where(Conversation.assignee_id.is_(None))
    elif filters.assignee.isdigit():
        query = query.where(Conversation.assignee_id == int(filters.assignee))
    if filters.label_id:
        query = query.where(
            Conversation.id.in_(
                sa.select(ConversationLabel.conversation_id).where(ConversationLabel.label_id == filters.label_id)
            )
        )
    if filters.q:
        query = query.where(_search(workspace, filters.q))
    return query


def _search(workspace: Workspace, text: str) -> sa.ColumnElement:
    """Contact names and message text: PostgreSQL full-text search (GIN indexes), LIKE elsewhere."""
    if db.engine.dialect.name == "postgresql":
        words = re.findall(r"\w+", text.lower())
        if not words:
            return sa.true()
        query = sa.func.to_tsquery(sa.literal_column("'simple'"), " & ".join(f"{w}:*" for w in words[:8]))

        def matches(column):
            return sa.func.to_tsvector(sa.literal_column("'simple'"), column).op("@@")(query)

    else:
        pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

        def matches(column):
            return sa.func.lower(column).like(pattern, escape="\\")

    by_name = sa.select(Contact.id).where(Contact.workspace_id == workspace.id, matches(Contact.name))
    by_text = sa.select(Message.conversation_id).where(Message.workspace_id == workspace.id, matches(Message.text))
    return sa.or_(Conversation.contact_id.in_(by_name), Conversation.id.in_(by_text))


def labels_of(conversation_ids: list[int]) -> dict[int, list[Label]]:
    if not conversation_ids:
        return {}
    found: dict[int, list[Label]] = {}
    rows = db.session.execute(
        sa.select(ConversationLabel.conversation_id, Label)
        .join(Label, Label.id == ConversationLabel.label_id)
        .where(ConversationLabel.conversation_id.in_(conversation_ids))
        .order_by(Label.name)
    )
    for conversation_id, label in rows:
        found.setdefault(conversation_id, []).append(label)
    return found


def status_counts(workspace: Workspace) -> tuple[dict[str, str], int]:
    """Conversations per status, and those with unread messages, in one index-only statement.

    Each count stops at COUNT_CAP ("999+"): exact totals would count every row on every render.
    """

    def capped(*conditions):
        rows = (
            sa.select(sa.literal(1))
            .where(Conversation.workspace_id == workspace.id, *conditions)
            .limit(COUNT_CAP + 1)
            .subquery()
        )
        return sa.select(sa.func.count()).select_from(rows).scalar_subquery()

    statuses = list(ConversationStatus)
    parts = [capped(Conversation.status == s) for s in statuses] + [capped(Conversation.unread_count > 0)]
    *values, unread = db.session.execute(sa.select(*parts)).one()
    counts = {s.value: (f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)) for s, n in zip(statuses, values, strict=True)}
    return counts, unread


def thread(
    conversation: Conversation, before: str | None = None, limit: int = THREAD_SIZE, public: bool = False
) -> Page:
    """The newest `limit` messages (oldest first for display), with senders and attachments, one statement."""
    query = (
        sa.select(Message)
        .where(Message.conversation_id == conversation.id, Message.workspace_id == conversation.workspace_id)
        .options(so.joinedload(Message.sender), so.joinedload(Message.attachments))
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(limit + 1)
    )
    if public:  # integrations never see staff's private notes
        query = query.where(Message.kind != MessageKind.NOTE)
    if before:
        moment, ident = decode_cursor(before)
        query = query.where(
            sa.or_(Message.created_at < moment, sa.and_(Message.created_at == moment, Message.id < ident))
        )
    rows = list(db.session.scalars(query).unique())
    older = encode_cursor(rows[limit - 1].created_at, rows[limit - 1].id) if len(rows) > limit else None
    return Page(list(reversed(rows[:limit])), older)


def messages_page(conversation: Conversation, cursor: str | None, limit: int, public: bool = True) -> Page:
    """API order: newest first, keyset on (created_at, id)."""
    page = thread(conversation, cursor, limit, public)
    page.items.reverse()
    return page


def day_groups(messages: list[Message]) -> list[tuple[datetime, list[Message]]]:
    """Messages grouped by the reader's local day, for the day separators."""
    groups: list[tuple[datetime, list[Message]]] = []
    for message in messages:
        if groups and to_user_timezone(groups[-1][0]).date() == to_user_timezone(message.created_at).date():
            groups[-1][1].append(message)
        else:
            groups.append((message.created_at, [message]))
    return groups
