"""Request bodies in JSON, read once for every API view (REST_FRAMEWORK's default parser) and the gate check.

Two things json.loads lets through that must not reach a view: nesting deep enough to exhaust the interpreter's
stack (a RecursionError, then a 500, for a 100 KB body of brackets), and the NUL character, which PostgreSQL text
cannot hold (the statement fails, then a 500). Both answer 400 in Chinese. The checks cost two byte counts and a
substring search on an ordinary body; the walk over the parsed values runs only when the body spells a NUL.
"""
import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DRFJSONParser


def loads(body: bytes | str):
    """The parsed body; ParseError (400) for malformed JSON, too deep a nesting or a NUL anywhere in it."""
    if isinstance(body, str):
        body = body.encode()
    limit = settings.API_JSON_MAX_DEPTH
    if body.count(b"[") + body.count(b"{") > limit and _depth(body) > limit:
        raise ParseError(_("JSON 嵌套过深：最多 %(n)d 层") % {"n": limit})
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # malformed JSON or not UTF-8: DRF's 400, with what was wrong
        raise ParseError(_("JSON 格式错误：%(error)s") % {"error": exc})
    if b"\\u0000" in body and _has_nul(data):
        raise ParseError(_("请求内容含有空字符（\\u0000），已拒绝"))
    return data


_STRUCTURE = b'"[\\]{}'
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in _STRUCTURE)


def _depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects (brackets inside strings do not count). Only quotes, backslashes
    and brackets are scanned in Python: the rest is dropped by bytes.translate, in C."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body.translate(None, _NOT_STRUCTURE):
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > deepest:
                deepest = depth
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any("\x00" in k or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class JSONParser(DRFJSONParser):
    """DRF's JSON parser through loads(): the same checks for every API view."""

    def parse(self, stream, media_type=None, parser_context=None):
        return loads(stream.read() if stream is not None else b"")
