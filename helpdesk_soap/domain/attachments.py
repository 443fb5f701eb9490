"""Attachments and recorded time: what they are and the rules for accepting them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from .errors import AttachmentTooLarge, ContentTypeNotAllowed, InvalidArgument
from .model import Visibility

MAX_FILE_NAME = 200
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_CONTENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
             *(f"lpt{i}" for i in range(1, 10))}


@dataclass(frozen=True, slots=True)
class Attachment:
    """An attachment's metadata; its content lives in the file store under ``sha256``."""

    id: int
    call_id: int
    file_name: str
    content_type: str
    size: int
    sha256: str
    visibility: Visibility
    author: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StagedContent:
    """Content already written to the file store's staging area (a large upload, decoded
    while it arrived), waiting to be adopted under its SHA-256 or discarded."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class TimeRecord:
    """Time a technician spent on a call (source document 001: shown to the customer)."""

    id: int
    call_id: int
    technician: str
    minutes: int
    note: str
    created_at: datetime


def sanitize_file_name(name: str) -> str:
    """A file name safe to show and to save on any system: no path, no control characters,
    no reserved device names, at most ``MAX_FILE_NAME`` characters, extension kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]      # drop any directory part
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name or name.split(".", 1)[0].lower() in _RESERVED:
        name = f"attachment-{name}" if name else "attachment"
    if len(name) > MAX_FILE_NAME:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:20] if dot else ""
        keep = MAX_FILE_NAME - len(ext) - (1 if ext else 0)
        name = (stem if dot else name)[:keep] + (f".{ext}" if ext else "")
    return name


def normalise_content_type(raw: str) -> str:
    value = (raw or "").split(";", 1)[0].strip().lower()
    if not _CONTENT_TYPE.match(value):
        raise InvalidArgument(f"{raw!r} is not a content type (type/subtype).", field="ContentType")
    return value


def check_upload(content_type: str, size: int, *, max_bytes: int, allowed: tuple[str, ...]) -> None:
    """Refuse an attachment over the size limit or of a type outside the allow-list.

    ``allowed`` holds exact types (``application/pdf``) and wildcards (``image/*``).
    """
    if size > max_bytes:
        raise AttachmentTooLarge(f"An attachment may have at most {max_bytes} bytes.",
                                 field="Content", limit=max_bytes)
    if size == 0:
        raise InvalidArgument("An attachment must not be empty.", field="Content")
    major = content_type.split("/", 1)[0]
    if content_type not in allowed and f"{major}/*" not in allowed and "*/*" not in allowed:
        raise ContentTypeNotAllowed(
            f"Content type {content_type} is not accepted; accepted: {', '.join(allowed)}.",
            field="ContentType")
