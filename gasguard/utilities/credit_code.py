"""统一社会信用代码 (GB 32100-2015) and 居民身份证号码 (GB 11643-1999) check characters."""
import re

# GB 32100: 18 characters from this 31-character alphabet (no I, O, Z, S, V).
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_RE = re.compile(rf"^[{_CREDIT_ALPHABET}]{{18}}$")


def credit_code_check_char(first17: str) -> str:
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> str | None:
    """None when `code` is a valid credit code, else a Chinese sentence saying what is wrong."""
    if not code:
        return "统一社会信用代码不能为空"
    code = code.strip().upper()
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实际为{len(code)}位"
    if not _CREDIT_RE.match(code):
        return "统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V）"
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：第18位应为“{expected}”，实际为“{code[17]}”"
    return None


def make_credit_code(body17: str) -> str:
    """Append the check character; used by the demo data and tests."""
    return body17 + credit_code_check_char(body17)


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def id_number_error(number: str) -> str | None:
    """None when `number` is a valid 18-digit resident ID number, else a Chinese message."""
    number = (number or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return "身份证号码应为17位数字加1位数字或X"
    expected = id_number_check_char(number[:17])
    if number[17] != expected:
        return f"身份证号码校验位错误：第18位应为“{expected}”"
    return None
