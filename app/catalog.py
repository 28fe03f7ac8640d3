"""Build the Spanish catalogue: merge the per-feature .po files into one compiled messages.mo.

Each feature keeps its translations in app/translations/es/<feature>.po, so features never
edit the same catalogue file; `make babel` (and the install step) runs `python -m app.catalog`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def merged(locale: str) -> Catalog:
    catalog = Catalog(locale=locale)
    for path in sorted((TRANSLATIONS / locale).glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=locale):
                if message.id and message.string and not message.fuzzy:
                    catalog[message.id] = message
    return catalog


def compile_all() -> dict[str, int]:
    counts = {}
    for folder in sorted(p for p in TRANSLATIONS.iterdir() if p.is_dir()):
        catalog = merged(folder.name)
        target = folder / "LC_MESSAGES" / "messages.mo"
        target.parent.mkdir(exist_ok=True)
        with target.open("wb") as handle:
            write_mo(handle, catalog)
        counts[folder.name] = len(catalog)
    return counts


if __name__ == "__main__":
    for locale, count in compile_all().items():
        print(f"{locale}: {count} messages", file=sys.stderr)
