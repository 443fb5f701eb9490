"""The committed message catalogues: every text has a German translation, and the files on
disk are what ``python -m helpdesk_soap.web.catalogues`` builds from the code."""

from __future__ import annotations

import io

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from helpdesk_soap.web import catalogues

TRANSLATIONS = catalogues.TRANSLATIONS


def _po(path, locale=None):
    return read_po(io.BytesIO(path.read_bytes()), locale=locale)


def test_the_template_holds_every_text_of_the_code_and_templates():
    committed = {m.id for m in _po(TRANSLATIONS / "messages.pot") if m.id}
    extracted = {m.id for m in catalogues.extract() if m.id}
    assert committed == extracted, "run python -m helpdesk_soap.web.catalogues"


def test_every_text_has_a_german_translation():
    german = _po(TRANSLATIONS / "de" / "LC_MESSAGES" / "messages.po", "de")
    template = {m.id for m in _po(TRANSLATIONS / "messages.pot") if m.id}
    translated = {m.id: m.string for m in german if m.id}
    assert set(translated) == template
    missing = sorted(msgid for msgid, text in translated.items() if not text.strip())
    assert missing == []
    # The placeholders survive translation.
    for msgid, text in translated.items():
        if "%(" in msgid:
            assert text.count("%(") == msgid.count("%(") and "%(time)s" in text


def test_the_compiled_catalogues_match_their_sources():
    for locale in ("de", "en"):
        folder = TRANSLATIONS / locale / "LC_MESSAGES"
        po = {m.id: m.string for m in _po(folder / "messages.po", locale) if m.id}
        with (folder / "messages.mo").open("rb") as f:
            mo = {m.id: m.string for m in read_mo(f) if m.id}
        assert mo == po, f"{locale}: run python -m helpdesk_soap.web.catalogues"


def test_the_files_on_disk_are_what_the_build_writes():
    for path, data in catalogues.build().items():
        assert path.read_bytes() == data, f"{path.name} is stale: rebuild the catalogues"
