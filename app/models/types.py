"""Column types shared by models."""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa


def enum_column(enum: type[StrEnum], length: int = 20) -> sa.String:
    """Store a StrEnum as its plain string value (readable in SQL, no database enum type)."""
    return sa.Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
    )
