"""Request decoders compiled from the Spyne definitions, for the fast path.

Spyne's ``from_element`` dispatches every element through its generic
machinery: the class's attributes, ``xsi:nil`` and ``xsi:type`` checks and
a handler lookup, for each value. ``compile_reader`` does that lookup once
per type and field, and leaves to Spyne every element it would treat in a
way of its own:

* an element carrying any attribute (``xsi:nil``, ``xsi:type``, an XML
  attribute member) is decoded by ``proto.from_element`` itself, and so is
  its parent when the attribute is on a member;
* comments and processing instructions are skipped (Spyne skips the first,
  and fails on the second);
* the text of a simple value is converted by Spyne's own handlers (and ours:
  ``HelpdeskSoap11.byte_array_from_element``), so the values are the same.

The request has been validated against the schema before it is decoded.
``tests/unit/test_decode.py`` checks that both decoders give the same values.
"""

from __future__ import annotations

from typing import Callable

from lxml import etree
from spyne.model import SimpleModel
from spyne.model.complex import Array, ComplexModelBase, XmlAttribute

#: Nodes among an element's children that carry no data. Spyne skips comments, and fails
#: on a processing instruction (AttributeError: an internal error); this skips both.
_NO_DATA = (etree._Comment, etree._ProcessingInstruction)

#: Decodes one element into a value: (ctx, element) -> value.
Reader = Callable[[object, object], object]


class Unsupported(Exception):
    """A type the compiler does not handle: the operation stays on Spyne's path."""


def compile_reader(cls, proto) -> Reader:
    """A function decoding an element of type ``cls`` as ``proto.from_element`` does."""
    if proto.validator is proto.SOFT_VALIDATION:
        raise Unsupported("soft validation happens while decoding")
    if issubclass(cls, ComplexModelBase) and not issubclass(cls, Array):
        return _complex_reader(cls, proto)
    if issubclass(cls, SimpleModel):
        return _simple_reader(cls, proto)
    raise Unsupported(cls)


def _complex_reader(cls, proto) -> Reader:
    if cls._type_info_alt or proto.get_cls_attrs(cls)._xml_tag_body_as is not None:
        raise Unsupported(cls)
    spyne = proto.from_element
    new = _blank_instances(cls)
    members = {}
    for name, member in cls.get_flat_type_info(cls).items():
        if issubclass(member, XmlAttribute):
            raise Unsupported(member)
        attrs = proto.get_cls_attrs(member)
        members[name] = (compile_reader(member, proto), attrs.max_occurs > 1, attrs.read_only)

    def read_complex(ctx, element):
        if element.attrib:
            return spyne(ctx, cls, element)
        inst = new(ctx)
        for child in element:
            tag = child.tag
            if tag.__class__ is not str:  # a comment or processing instruction: no data
                if isinstance(child, _NO_DATA):
                    continue
                return spyne(ctx, cls, element)
            if child.attrib:  # Spyne reads a member's attributes at this level
                return spyne(ctx, cls, element)
            key = tag.split("}", 1)[-1]
            found = members.get(key)
            if found is None:
                continue
            read, many, read_only = found
            value = read(ctx, child)
            if many:
                values = getattr(inst, key, None)
                if values is None:
                    values = []
                values.append(value)
                value = values
            if not read_only:
                setattr(inst, key, value)
        return inst
    return read_complex


def _blank_instances(cls) -> Callable[[object], object]:
    """What makes the empty instance to decode into: Spyne's own way where the class has
    defaults, else a copy of the blank one's attributes. Spyne's ``__init__`` works out,
    field by field, on every call, that each starts as None: most of a decode's time."""
    new = cls.get_deserialization_instance
    probe = new(None)
    made = type(probe)  # the customised class's original, where it is one
    if (made.__init__ is not ComplexModelBase.__init__ or hasattr(made, "_sa_class_manager")
            or any(value is not None for value in vars(probe).values())):
        return new
    blank = dict(vars(probe))
    make = made.__new__

    def new_blank(ctx):
        inst = make(made)
        inst.__dict__.update(blank)
        return inst
    return new_blank


def _simple_reader(cls, proto) -> Reader:
    spyne = proto.from_element
    handler = proto.deserialization_handlers[cls]
    if handler == proto.unicode_from_element:
        empty = ""  # Spyne reads a missing text as an empty string here
    elif handler == proto.base_from_element:
        empty = None
    else:  # enumerations, binary data, ...: Spyne's handler, without the dispatch
        def read_other(ctx, element):
            if element.attrib:
                return spyne(ctx, cls, element)
            return handler(ctx, cls, element)
        return read_other
    convert = proto._from_unicode_handlers[cls]
    empty_is_none = proto.get_cls_attrs(cls).empty_is_none

    def read_simple(ctx, element):
        if element.attrib:
            return spyne(ctx, cls, element)
        text = element.text
        if text is None:
            text = empty
            if text is None:
                return None
        if not text and empty_is_none:
            return None
        return convert(cls, text)
    return read_simple
