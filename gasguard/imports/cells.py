"""Reading one cell: text, numbers, yes/no, dates and choices (Chinese label or code), each refusing with a Chinese
sentence that says what is wrong and what is expected."""
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop


class CellError(ValueError):
    """The value of a cell cannot be used; the message is shown to the user after "第N行 X列（表头）："."""


_FULLWIDTH = str.maketrans({"（": "(", "）": ")", "：": ":", "／": "/", "，": ",", "　": " "})


def normalize(value: str) -> str:
    """For comparing labels and headers: half-width punctuation, no spaces, no required-marker, lower case."""
    return re.sub(r"[\s*＊]", "", str(value).translate(_FULLWIDTH)).lower()


def base(value: str) -> str:
    """A label without its bracketed part: "设有专用气瓶间（是/否）" → "设有专用气瓶间"."""
    return re.sub(r"\(.*?\)", "", normalize(value))


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value, *, max_length: int | None = None) -> str:
    """A cell as text. Whole numbers stay whole (a phone number typed as a number is not "13800000000.0")."""
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    result = str(value).strip()
    if max_length and len(result) > max_length:
        raise CellError(_("内容过长：不能超过%(max_length)s个字，实际%(length)s个字") % {
            "max_length": max_length, "length": len(result)})
    return result


def decimal(value, *, minimum=None, maximum=None, places: int | None = None) -> Decimal | None:
    if is_blank(value):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise CellError(_("“%(text)s”不是数字") % {"text": text(value)})
    if not number.is_finite():
        raise CellError(_("“%(text)s”不是数字") % {"text": text(value)})
    if minimum is not None and number < minimum:
        raise CellError(_("不能小于%(minimum)s") % {"minimum": minimum})
    if maximum is not None and number > maximum:
        raise CellError(_("不能大于%(maximum)s") % {"maximum": maximum})
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    return number


def number(value, *, minimum=None, maximum=None) -> float | None:
    result = decimal(value, minimum=minimum, maximum=maximum)
    return None if result is None else float(result)


_YES = {"是", "有", "y", "yes", "true", "1", "√", "✓", "设有"}
_NO = {"否", "无", "n", "no", "false", "0", "×", "✗", "未设", "没有"}


def yes_no(value) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    key = normalize(text(value))
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise CellError(_("“%(text)s”无法识别，请填写“是”或“否”") % {"text": text(value)})


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
DATE_HELP = gettext_noop("日期格式：2024-03-01（也可为 2024/3/1、2024年3月1日，或 Excel 日期单元格）")


def a_date(value) -> date | None:
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value).replace(" ", "")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise CellError(_("“%(text)s”不是有效日期（%(help)s）") % {"text": text(value), "help": _(DATE_HELP)})


class Choices:
    """A field's allowed values, found by their Chinese label (with or without its bracketed part) or by code."""

    def __init__(self, choices, aliases: dict[str, str] | None = None, what="值"):
        # The labels as written in the code (Chinese), whatever language is active when this is built.
        with translation.override(None):
            choices = [(code, str(label)) for code, label in choices]
        self.labels = [label for _, label in choices]
        self.what = what
        self.index: dict[str, str] = {}
        for code, label in choices:
            for key in (code, label, base(label)):
                self.index.setdefault(normalize(key), code)
        for alias, code in (aliases or {}).items():
            self.index[normalize(alias)] = code

    def __call__(self, value) -> str | None:
        if is_blank(value):
            return None
        code = self.index.get(normalize(text(value)))
        if code is None:
            if len(self.labels) <= 6:
                raise CellError(_("“%(text)s”不是有效的%(what)s，可填写：%(items)s") % {
                    "text": text(value), "what": self.what, "items": '、'.join(self.labels)})
            raise CellError(_("“%(text)s”不是有效的%(what)s，可填写的值见模板“填写说明”工作表") % {
                "text": text(value), "what": self.what})
        return code
