"""Rebuild the message catalogues: extract the .pot from the code and templates, write the
German .po from translations/de.py and an English .po (the msgids are English), and
compile both .mo files. ``python -m helpdesk_soap.web.catalogues`` (needs only Babel)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).parent
TRANSLATIONS = HERE / "translations"
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None}
#: Fixed, so a rebuild changes the files only where a text changed.
DATE = datetime(2026, 1, 1, tzinfo=UTC)
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]


def extract() -> Catalog:
    catalog = Catalog(project="helpdesk-soap", fuzzy=False, creation_date=DATE,
                      revision_date=DATE)
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(HERE), METHODS, keywords=KEYWORDS, options_map={}):
        catalog.add(message)
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, omit_header=False, sort_output=True, no_location=True, width=100)
    return out.getvalue()


def mo_bytes(po: bytes, locale: str) -> bytes:
    catalog = read_po(io.BytesIO(po), locale=locale)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def catalogue(template: Catalog, locale: str) -> Catalog:
    from .translations.de import GERMAN
    from .translations.de_desk import GERMAN_DESK  # the staff desk's texts (issue 26)

    GERMAN = {**GERMAN, **GERMAN_DESK}

    catalog = Catalog(locale=locale, project="helpdesk-soap", fuzzy=False, creation_date=DATE,
                      revision_date=DATE)
    for message in template:
        if message.id:
            catalog.add(message.id, GERMAN.get(message.id, "") if locale == "de" else message.id)
    return catalog


def build() -> dict[Path, bytes]:
    """Every catalogue file, as it should be on disk."""
    template = extract()
    files = {TRANSLATIONS / "messages.pot": po_bytes(template)}
    for locale in ("de", "en"):
        po = po_bytes(catalogue(template, locale))
        folder = TRANSLATIONS / locale / "LC_MESSAGES"
        files[folder / "messages.po"] = po
        files[folder / "messages.mo"] = mo_bytes(po, locale)
    return files


def main() -> None:
    for path, data in build().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path.relative_to(HERE.parent.parent)}")


if __name__ == "__main__":
    main()
