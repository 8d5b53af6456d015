"""Cylinder codes: a body of digits and capital letters and an ISO/IEC 7064 MOD 37,36 check character.

The check character catches every single mistyped character and nearly every swap of two neighbours (the hybrid
system misses a few swaps), so a misread or mistyped code is refused as invalid and never looked up (it could
otherwise hit another cylinder). It is the system of the GRid and ISAN identifiers."""
import re

from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_M = 36
_BODY_RE = re.compile(r"^[0-9A-Z]{6,31}$")
PREFIX = "BH"  # codes issued by the platform; labels printed by makers keep their own bodies


def check_char(body: str) -> str:
    """The MOD 37,36 check character of `body` (hybrid system, ISO/IEC 7064)."""
    p = _M
    for ch in body:
        p = (p + ALPHABET.index(ch)) % _M or _M
        p = (p * 2) % (_M + 1)
    return ALPHABET[(_M + 1 - p) % _M]


def normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", str(code or "")).upper()


def code_error(code: str) -> str | None:
    """None when `code` (already normalised) is well formed with a right check character, else why not."""
    if not code:
        return _("请输入气瓶编码")
    if not _BODY_RE.match(code[:-1]) or not code[-1:].isalnum():
        return _("气瓶编码应为7至32位数字或大写字母")
    if check_char(code[:-1]) != code[-1]:
        return _("气瓶编码校验位不符：编码有误（误读、误输或伪造），未予查询")
    return None


def is_valid(code: str) -> bool:
    return code_error(code) is None


def make_code(body: str) -> str:
    return body + check_char(body)


def issue(serial: int) -> str:
    """The platform's code for the `serial`-th cylinder: BH, ten digits, the check character."""
    return make_code(f"{PREFIX}{serial:010d}")
