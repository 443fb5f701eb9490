"""Large requests, parsed while they arrive, with their base64 content sent to disk.

A small request is read whole and parsed by libxml2's tree builder (guard.py):
the fastest path, and the common one. A large one (over ``STREAM_ABOVE`` bytes, or
of unknown length) is read in chunks into an lxml feed parser with the same
security options, whose target builds the same tree except for the text of the
operation's base64Binary fields (its ``ByteArray`` parameters, found in the
Spyne definitions): that text is decoded piece by piece (base64stream.py),
hashed and written to a staging file of the attachment store. The tree, with
those elements empty, then takes the same checks, schema validation and
decoding as a small request's; the @rpc method gets the staged file instead of
the bytes (``content``), and the gateway discards whatever was not adopted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from lxml import etree
from spyne import ByteArray

from ..domain.attachments import StagedContent
from ..store.files import FileStore, Staging
from .base64stream import Base64Decoder, InvalidBase64
from .guard import PARSER_OPTIONS, SOAP11, Rejected, body_chunks, has_dtd, has_pi, not_well_formed
from .convert import content_bytes

#: Bodies longer than this (or of unknown length) are streamed.
STREAM_ABOVE = 256 * 1024
#: The WSGI environ key under which the gateway hands staged uploads to the @rpc methods.
STAGED_UPLOADS = "helpdesk_soap.staged_uploads"
_BODY = f"{{{SOAP11}}}Body"


def streams(environ) -> bool:
    """Whether a request's body should be streamed rather than read whole."""
    raw_length = environ.get("CONTENT_LENGTH") or ""
    if not raw_length:
        return True
    try:
        return int(raw_length) > STREAM_ABOVE
    except ValueError:
        return False  # read_body refuses it with its documented fault


def binary_fields(application) -> dict[str, frozenset[str]]:
    """For each operation element (Clark name), its base64Binary parameters' element names."""
    fields = {}
    for service in application.services:
        for descriptor in service.public_methods.values():
            message = descriptor.in_message
            ns = message.get_namespace()
            names = frozenset(f"{{{ns}}}{name}" for name, cls in message._type_info.items()
                              if isinstance(cls, type) and issubclass(cls, ByteArray))
            if names:
                fields[f"{{{ns}}}{message.get_type_name()}"] = names
    return fields


def content(ctx, name: str, value) -> bytes | StagedContent:
    """A ByteArray parameter's content: the staged file if the request was streamed,
    else the bytes Spyne decoded."""
    staged = getattr(ctx.transport, "req_env", {}).get(STAGED_UPLOADS, {}).get(name)
    return staged if staged is not None else content_bytes(value)


@dataclass
class Streamed:
    root: etree._Element
    #: Staged content per parameter name (its element's local name).
    uploads: dict[str, StagedContent] = field(default_factory=dict)
    #: The parameter whose text was not valid base64, if any (its staging is gone).
    invalid: str | None = None


def stream_envelope(environ, limit: int, fields: dict[str, frozenset[str]],
                    files: FileStore | None) -> bytes | Streamed:
    """Read a request body chunk by chunk. Only if its operation has base64 fields is it
    parsed here, with their content staged in ``files``; otherwise (or if the envelope is
    broken before its operation starts) the whole body is returned, for the guard's usual
    tree path. On any failure every staged file is removed again."""
    chunks = body_chunks(environ, limit)
    head, operation = _sniff(chunks)
    if files is None or operation not in fields:
        return b"".join([*head, *chunks])
    target = _Target(fields, files)
    parser = etree.XMLParser(target=target, **PARSER_OPTIONS)
    try:
        try:
            for chunk in head:
                parser.feed(chunk)
            del head
            for chunk in chunks:
                parser.feed(chunk)
            root = parser.close()
        except _Refused as refused:
            raise refused.rejected from None
        except etree.XMLSyntaxError as exc:
            raise not_well_formed(exc) from None
    except BaseException:
        target.discard()
        raise
    return Streamed(root, target.uploads, target.invalid)


def _sniff(chunks: Iterator[bytes]) -> tuple[list[bytes], str | None]:
    """Read until the operation element starts: the chunks read, and its Clark name (None
    if the body is not a well-formed envelope that far)."""
    parser = etree.XMLParser(target=_Sniffer(), **PARSER_OPTIONS)
    head = []
    for chunk in chunks:
        head.append(chunk)
        try:
            parser.feed(chunk)
        except _OperationFound as found:
            return head, found.tag
        except etree.XMLSyntaxError:
            return head, None
    return head, None


class _OperationFound(Exception):
    def __init__(self, tag: str):
        self.tag = tag


class _Sniffer:
    """An lxml parser target that only watches for Envelope/Body/operation."""

    def __init__(self):
        self._path: list[str] = []

    def start(self, tag, attrib, nsmap=None):
        if len(self._path) == 2 and self._path[1] == _BODY:
            raise _OperationFound(tag)
        self._path.append(tag)

    def end(self, tag):
        self._path.pop()

    def close(self):
        return None


def discard(files: FileStore | None, staged: dict[str, StagedContent]) -> None:
    """Remove the staged files a request left (a no-op for those adopted)."""
    for upload in staged.values():
        files.discard(upload)


class _Refused(Exception):
    """Raised from a parser target's callback: stops the parser at once."""

    def __init__(self, rejected: Rejected):
        self.rejected = rejected


class _Target:
    """An lxml parser target: etree.TreeBuilder's tree, but the text of the operation's
    base64Binary fields (Envelope/Body/operation/field) goes to a Base64Decoder."""

    def __init__(self, fields: dict[str, frozenset[str]], files: FileStore | None):
        self._builder = etree.TreeBuilder()
        self._fields = fields
        self._files = files
        self._path: list[str] = []
        self._operation_fields: frozenset[str] = frozenset()
        self._staging: Staging | None = None
        self._decoder: Base64Decoder | None = None
        self._text: list[str] = []
        self._done = False
        self.uploads: dict[str, StagedContent] = {}
        self.invalid: str | None = None

    def doctype(self, *_):
        raise _Refused(has_dtd())  # the guard's refusals, before anything more is read

    def pi(self, *_):
        raise _Refused(has_pi())  # in the prolog too, which the tree would not keep

    def start(self, tag, attrib, nsmap=None):
        self._flush()
        depth = len(self._path)
        if depth == 2 and self._path[1] == _BODY:
            self._operation_fields = self._fields.get(tag, frozenset())
        elif depth == 3 and tag in self._operation_fields:
            name = etree.QName(tag).localname
            if name not in self.uploads and name != self.invalid:
                self._staging = self._files.stage()
                self._decoder = Base64Decoder(self._staging)
        self._path.append(tag)
        return self._builder.start(tag, attrib, nsmap)

    def end(self, tag):
        self._flush()
        if self._decoder is not None and len(self._path) == 4:
            self._finish(etree.QName(tag).localname)
        self._path.pop()
        self._done = not self._path
        return self._builder.end(tag)

    def data(self, text):
        if self._decoder is not None and len(self._path) == 4:
            self._decoder.feed(text)
        else:
            self._text.append(text)

    def comment(self, text):
        self._flush()
        return self._builder.comment(text)

    def _flush(self) -> None:
        # One string per text node, handed over alone: TreeBuilder would keep its list of
        # pieces alive while it sets the joined text (a large text twice over).
        if self._text:
            text = "".join(self._text)
            self._text.clear()
            self._builder.data(text)

    def close(self):
        # Only a complete document has a tree; otherwise let lxml raise the parser's own
        # error (TreeBuilder.close would assert first, with a less useful message).
        return self._builder.close() if self._done else None

    def _finish(self, name: str) -> None:
        decoder, staging = self._decoder, self._staging
        self._decoder = self._staging = None
        try:
            decoder.close()
        except InvalidBase64:
            staging.discard()
            self.invalid = self.invalid or name
            return
        self.uploads[name] = staging.finish()

    def discard(self) -> None:
        if self._staging is not None:
            self._staging.discard()
        for staged in self.uploads.values():
            self._files.discard(staged)
