"""CSV import: read the file, map its columns, then validate and upsert rows in chunks.

Rows are matched to existing contacts by phone, then e-mail; consent is imported only when
the person importing states where it came from; every refused row goes to a report.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from app.contacts.identities import AddressError, normalize_email, normalize_phone
from app.contacts.records import ensure_tags, field_definitions
from app.extensions import db
from app.models import (
    ConsentEvent,
    ConsentStatus,
    Contact,
    ContactImport,
    ContactTag,
    ImportStatus,
    User,
    Workspace,
    utcnow,
)
from app.privacy.consent import CONSENT_CHANNELS
from app.storage import get_storage

CHUNK = 2000
MAX_BYTES = 50 * 1024 * 1024
TARGETS = ("name", "first_name", "last_name", "phone", "email", "tags")
GUESSES = {
    "name": ("name", "full name", "nombre", "nombre completo", "contact"),
    "first_name": ("first name", "firstname", "given name", "nombre de pila"),
    "last_name": ("last name", "lastname", "surname", "apellido", "apellidos"),
    "phone": ("phone", "mobile", "cell", "telephone", "teléfono", "telefono", "celular", "móvil", "movil", "whatsapp"),
    "email": ("email", "e-mail", "mail", "correo", "correo electrónico", "correo electronico"),
    "tags": ("tags", "tag", "labels", "etiquetas"),
}


class ImportFileError(ValueError):
    """A file that cannot be read as CSV; the message says why, for the person importing."""


def read_text(content: bytes) -> tuple[str, str]:
    """Decode the upload: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 as Excel writes it."""
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16"), "utf-16"
    if b"\x00" in content[:4096]:
        raise ImportFileError(
            _("This is not a text CSV file (it contains binary data). Save it as “CSV UTF-8” and try again.")
        )
    try:
        return content.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _(
                "The file is not in a text encoding we can read (byte %(position)s). "
                "Save it as “CSV UTF-8” and try again.",
                position=error.start,
            )
        ) from error


def _reader(text: str):
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    return csv.reader(io.StringIO(text, newline=""), dialect)


def headers_of(text: str) -> list[str]:
    try:
        header = next(_reader(text), None)
    except csv.Error as error:
        raise ImportFileError(_("The first line could not be read as CSV: %(error)s", error=str(error))) from error
    header = [h.strip() for h in header or []]
    if not any(header):
        raise ImportFileError(_("The first line must name the columns."))
    return header


def guess_mapping(headers: list[str], field_keys: list[str]) -> dict[str, str]:
    """target → column header, guessed from common English and Spanish names."""
    mapping: dict[str, str] = {}
    lowered = {h.lower(): h for h in headers}
    for target, names in GUESSES.items():
        for name in names:
            if name in lowered:
                mapping[target] = lowered[name]
                break
    for key in field_keys:
        if key in lowered:
            mapping[f"field:{key}"] = lowered[key]
    return mapping


def start_import(workspace: Workspace, user: User, filename: str, content: bytes) -> tuple[ContactImport, list[str]]:
    if len(content) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 50 MB; split it and import the parts."))
    text, _encoding = read_text(content)
    headers = headers_of(text)
    contact_import = ContactImport(
        workspace_id=workspace.id,
        filename=(filename or "contacts.csv")[:255],
        file_key=get_storage().save(workspace.id, content),
        created_by_id=user.id,
        mapping=guess_mapping(headers, [f.key for f in field_definitions(workspace.id)]),
    )
    db.session.add(contact_import)
    return contact_import, headers


def configure(
    contact_import: ContactImport, mapping: dict, tags: list[str], consent_channels: list[str], source: str
) -> None:
    """Fix the mapping and options; consent needs a stated source."""
    if not (mapping.get("phone") or mapping.get("email")):
        raise ImportFileError(_("Choose the column with phone numbers or the one with e-mail addresses."))
    channels = [c for c in consent_channels if c in {k.value for k in CONSENT_CHANNELS}]
    if channels and not source.strip():
        raise ImportFileError(
            _("Say where the consent came from (for example “sign-up form at the store, 2024”) to import it.")
        )
    contact_import.mapping = {k: v for k, v in mapping.items() if v}
    contact_import.tag_names = [t.strip() for t in tags if t.strip()]
    contact_import.consent_channels = channels
    contact_import.consent_source = source.strip()[:200]


@dataclass
class _Chunk:
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (line, cleaned values)
    rejected: list[tuple[int, str, list[str]]] = field(default_factory=list)


class _Importer:
    """Holds what the import learned so far (addresses seen) so duplicates inside the file merge too."""

    def __init__(self, contact_import: ContactImport, workspace: Workspace):
        self.imp = contact_import
        self.workspace = workspace
        self.field_keys = {f.key for f in field_definitions(workspace.id)}
        self.by_phone: dict[str, int] = {}
        self.by_email: dict[str, int] = {}
        self.tag_ids = [t.id for t in ensure_tags(workspace.id, contact_import.tag_names)]
        self.rejected: list[tuple[int, str, list[str]]] = []

    def clean(self, line: int, values: dict[str, str]) -> dict | str:
        """The row's contact values, or the reason it is refused."""
        mapping = self.imp.mapping
        get = lambda target: (values.get(mapping.get(target, ""), "") or "").strip()  # noqa: E731
        phone, email = get("phone"), get("email")
        if not phone and not email:
            return _("no phone number or e-mail address")
        try:
            phone = normalize_phone(phone, self.workspace.default_country) if phone else None
            email = normalize_email(email) if email else None
        except AddressError as error:
            return error.reason
        name = get("name") or " ".join(p for p in (get("first_name"), get("last_name")) if p)
        fields = {key: get(f"field:{key}") for key in self.field_keys if get(f"field:{key}")}
        tags = [t.strip() for t in re.split(r"[,;|]", get("tags")) if t.strip()]
        return {"name": name[:200], "phone": phone, "email": email, "fields": fields, "tags": tags, "line": line}

    def apply(self, rows: list[dict]) -> None:
        self._existing(rows)
        new_rows, updates, pending = [], [], {}
        for row in rows:
            contact_id = self._match(row)
            keys = [k for k in (row["phone"], row["email"]) if k]
            earlier = next((pending[k] for k in keys if k in pending), None)
            if contact_id:
                updates.append((contact_id, row))
            elif earlier is not None:  # the same person twice in this chunk: one contact
                _absorb(earlier, row)
                self.imp.updated_count += 1
            else:
                new_rows.append(row)
                pending.update(dict.fromkeys(keys, row))
        ids = self._insert(new_rows)
        for row, contact_id in zip(new_rows, ids, strict=True):
            self._remember(row, contact_id)
        self._update(updates)
        all_rows = [(cid, r) for cid, r in updates] + list(zip(ids, new_rows, strict=True))
        self._tags(all_rows)
        self._consents(all_rows)
        self.imp.created_count += len(new_rows)
        self.imp.updated_count += len(updates)

    def _existing(self, rows: list[dict]) -> None:
        phones = {r["phone"] for r in rows if r["phone"] and r["phone"] not in self.by_phone}
        emails = {r["email"] for r in rows if r["email"] and r["email"] not in self.by_email}
        for column, values, seen in ((Contact.phone, phones, self.by_phone), (Contact.email, emails, self.by_email)):
            if values:
                query = sa.select(column, sa.func.min(Contact.id)).where(
                    Contact.workspace_id == self.workspace.id, column.in_(values)
                )
                seen.update(dict(db.session.execute(query.group_by(column)).all()))

    def _match(self, row: dict) -> int | None:
        contact_id = self.by_phone.get(row["phone"]) if row["phone"] else None
        if contact_id is None and row["email"]:
            contact_id = self.by_email.get(row["email"])
        if contact_id is not None:
            self._remember(row, contact_id)
        return contact_id

    def _remember(self, row: dict, contact_id: int) -> None:
        if row["phone"]:
            self.by_phone.setdefault(row["phone"], contact_id)
        if row["email"]:
            self.by_email.setdefault(row["email"], contact_id)

    def _insert(self, rows: list[dict]) -> list[int]:
        if not rows:
            return []
        now = utcnow()
        values = [
            {
                "workspace_id": self.workspace.id,
                "name": r["name"],
                "phone": r["phone"],
                "email": r["email"],
                "custom_fields": r["fields"],
                "notes": "",
                "created_at": now,
                "updated_at": now,
            }
            for r in rows
        ]
        result = db.session.execute(sa.insert(Contact).returning(Contact.id, sort_by_parameter_order=True), values)
        return [row[0] for row in result]

    def _update(self, updates: list[tuple[int, dict]]) -> None:
        """Fill gaps on matched contacts; what is already on file is kept."""
        if not updates:
            return
        contacts = {
            c.id: c
            for c in db.session.scalars(sa.select(Contact).where(Contact.id.in_({cid for cid, _row in updates})))
        }
        for contact_id, row in updates:
            contact = contacts[contact_id]
            contact.name = contact.name or row["name"]
            if row["phone"] and not contact.phone:
                contact.phone = row["phone"]
            if row["email"] and not contact.email:
                contact.email = row["email"]
            if row["fields"]:
                contact.custom_fields = {**(contact.custom_fields or {}), **row["fields"]}
        db.session.flush()

    def _tags(self, rows: list[tuple[int, dict]]) -> None:
        names = {t for _cid, r in rows for t in r["tags"]}
        by_name = {t.name: t.id for t in ensure_tags(self.workspace.id, list(names))} if names else {}
        pairs = {(cid, tid) for cid, _row in rows for tid in self.tag_ids}
        pairs |= {(cid, by_name[t[:60]]) for cid, r in rows for t in r["tags"]}
        if not pairs:
            return
        have = set(
            db.session.execute(
                sa.select(ContactTag.contact_id, ContactTag.tag_id).where(
                    ContactTag.contact_id.in_({c for c, _t in pairs})
                )
            ).all()
        )
        fresh = [{"contact_id": c, "tag_id": t} for c, t in pairs - have]
        if fresh:
            db.session.execute(sa.insert(ContactTag), fresh)

    def _consents(self, rows: list[tuple[int, dict]]) -> None:
        if not self.imp.consent_channels:
            return
        ids = {cid for cid, _row in rows}
        latest = (
            sa.select(sa.func.max(ConsentEvent.id))
            .where(ConsentEvent.contact_id.in_(ids))
            .group_by(ConsentEvent.contact_id, ConsentEvent.channel)
        )
        current = {
            (c, ch): st
            for c, ch, st in db.session.execute(
                sa.select(ConsentEvent.contact_id, ConsentEvent.channel, ConsentEvent.status).where(
                    ConsentEvent.id.in_(latest)
                )
            )
        }
        now, events, done = utcnow(), [], set()
        for contact_id, row in rows:
            for channel in self.imp.consent_channels:
                if current.get((contact_id, channel)) == ConsentStatus.GRANTED or (contact_id, channel) in done:
                    continue
                done.add((contact_id, channel))
                evidence = f"{self.imp.consent_source} · {self.imp.filename} row {row['line']}"
                events.append(
                    {
                        "workspace_id": self.workspace.id,
                        "contact_id": contact_id,
                        "channel": channel,
                        "status": ConsentStatus.GRANTED,
                        "source": "import",
                        "evidence": evidence[:500],
                        "created_at": now,
                    }
                )
        if events:
            db.session.execute(sa.insert(ConsentEvent), events)


def _absorb(first: dict, again: dict) -> None:
    """Fill the first row's gaps from a later row about the same person."""
    for key in ("name", "phone", "email"):
        first[key] = first[key] or again[key]
    first["fields"] = {**again["fields"], **first["fields"]}
    first["tags"] = [*first["tags"], *again["tags"]]


def _rows(text: str):
    """(line number, header, fields) for each row; a broken line yields its csv error instead."""
    reader = _reader(text)
    header = [h.strip() for h in next(reader)]
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield reader.line_num, header, str(error)
            continue
        if fields and any(f.strip() for f in fields):
            yield reader.line_num, header, fields


def run_import(import_id: int, commit) -> None:
    """Process the whole file in chunks, committing progress after each (`commit` is the job's)."""
    contact_import = db.session.get(ContactImport, import_id)
    if contact_import is None or contact_import.status in (ImportStatus.COMPLETED, ImportStatus.FAILED):
        return
    workspace = db.session.get(Workspace, contact_import.workspace_id)
    text, _encoding = read_text(get_storage().read(contact_import.file_key))
    contact_import.status = ImportStatus.RUNNING
    contact_import.total_rows = sum(1 for _ in _rows(text))
    contact_import.processed_rows = contact_import.created_count = contact_import.updated_count = 0
    commit()
    importer = _Importer(contact_import, workspace)
    chunk: list[dict] = []
    for line, header, fields in _rows(text):
        row = _clean_line(importer, line, header, fields)
        if isinstance(row, dict):
            chunk.append(row)
        if len(chunk) >= CHUNK:
            _flush(importer, chunk, commit)
            chunk = []
        contact_import.processed_rows += 1
    _flush(importer, chunk, commit)
    _finish(contact_import, importer.rejected, header_of(text))
    commit()


def header_of(text: str) -> list[str]:
    return headers_of(text)


def _clean_line(importer: _Importer, line: int, header: list[str], fields) -> dict | None:
    if isinstance(fields, str):
        importer.rejected.append((line, _("broken CSV line: %(error)s", error=fields), []))
        return None
    if len(fields) != len(header):
        reason = _("has %(found)s columns; the header has %(expected)s", found=len(fields), expected=len(header))
        importer.rejected.append((line, reason, fields))
        return None
    cleaned = importer.clean(line, dict(zip(header, fields, strict=True)))
    if isinstance(cleaned, str):
        importer.rejected.append((line, cleaned, fields))
        return None
    return cleaned


def _flush(importer: _Importer, chunk: list[dict], commit) -> None:
    if chunk:
        importer.apply(chunk)
    importer.imp.rejected_count = len(importer.rejected)
    commit()


def _finish(contact_import: ContactImport, rejected: list, header: list[str]) -> None:
    if rejected:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["line", "reason", *header])
        for line, reason, fields in rejected:
            writer.writerow([line, reason, *fields])
        contact_import.report_key = get_storage().save(contact_import.workspace_id, out.getvalue().encode("utf-8-sig"))
    contact_import.rejected_count = len(rejected)
    contact_import.status = ImportStatus.COMPLETED
    contact_import.finished_at = utcnow()
