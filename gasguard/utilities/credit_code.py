"""统一社会信用代码 (GB 32100-2015, with the organisation code of GB 11714 inside) and 居民身份证号码
(GB 11643-1999), checked with python-stdnum (stdnum.cn.uscc, stdnum.cn.ric) and answered in Chinese."""
import re
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as NumberError

# GB 32100: 18 characters from this 31-character alphabet (no I, O, Z, S, V).
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_RE = re.compile(rf"^[{_CREDIT_ALPHABET}]{{18}}$")
# GB 11714: the organisation code's check character over its 8 body characters (letters count 10 for A …).
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code_check_char(first17: str) -> str:
    return uscc.calc_check_digit(first17)


def org_code_check_char(body8: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    return {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))


def credit_code_error(code: str) -> str | None:
    """None when `code` is a valid credit code, else a Chinese sentence saying what is wrong."""
    if not code:
        return _("统一社会信用代码不能为空")
    code = code.strip().upper()
    if len(code) != 18:
        return _("统一社会信用代码应为18位，实际为%(n)d位") % {"n": len(code)}
    if not _CREDIT_RE.match(code):
        return _("统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V）")
    if not code[2:8].isdigit():
        return _("统一社会信用代码第3–8位应为登记管理机关的行政区划码（6位数字）")
    expected = uscc.calc_check_digit(code[:17])
    if code[17] != expected:
        return _("统一社会信用代码校验位错误：第18位应为“%(want)s”，实际为“%(got)s”") % {
            "want": expected, "got": code[17]}
    expected = org_code_check_char(code[8:16])
    if code[16] != expected:
        return _("统一社会信用代码中的组织机构代码（第9–17位）校验位错误：第17位应为“%(want)s”，实际为“%(got)s”") % {
            "want": expected, "got": code[16]}
    return None


def make_credit_code(body16: str) -> str:
    """Append the organisation code's and the credit code's check characters; used by the demo data and tests."""
    first17 = body16 + org_code_check_char(body16[8:16])
    return first17 + uscc.calc_check_digit(first17)


def id_number_check_char(first17: str) -> str:
    return ric.calc_check_digit(first17 + "0")  # stdnum computes it over a number with a check digit in place


def id_number_error(number: str) -> str | None:
    """None when `number` is a valid 18-digit resident ID number (check digit, a real birth date, a known area
    code), else a Chinese message."""
    number = ric.compact(number or "")
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return _("身份证号码应为17位数字加1位数字或X")
    expected = ric.calc_check_digit(number)
    if number[17] != expected:
        return _("身份证号码校验位错误：第18位应为“%(want)s”") % {"want": expected}
    try:
        born = ric.get_birth_date(number)
    except NumberError:
        born = None
    if born is None or born < date(1900, 1, 1) or born > timezone.localdate():
        return _("身份证号码第7–14位的出生日期“%(digits)s”不是有效日期") % {"digits": number[6:14]}
    # The area code of the first registration; it may be newer than the birth (a renamed county), so only
    # whether it ever existed is checked, not stdnum's stricter match with the birth year.
    if not any("county" in props for _part, props in numdb.get("cn/loc").info(number[:6])):
        return _("身份证号码前6位“%(code)s”不是有效的行政区划代码") % {"code": number[:6]}
    return None
