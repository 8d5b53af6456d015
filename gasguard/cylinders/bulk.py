"""Bulk registration from Excel: every row is checked, then all are registered or none. Errors name the row and the
column, as the ledger import does."""
import io
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from gasguard.audit import services as audit
from gasguard.utilities import spreadsheet

from . import services

# (header, key, required)
COLUMNS = [
    ("气瓶编码", "code", False),
    ("制造单位", "maker", True),
    ("出厂编号", "maker_serial", True),
    ("制造日期", "manufactured_on", True),
    ("型号", "model", True),
    ("公称充装量（kg）", "nominal_fill_kg", False),
    ("上次定期检验日期", "last_inspected_on", False),
]
MAX_ROWS = 20000


@dataclass
class ImportResult:
    created: list
    errors: list


def template() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "气瓶"
    ws.append(spreadsheet.row(ws, [h for h, _, _ in COLUMNS]))
    ws.append(spreadsheet.row(ws, ["", "天津某钢瓶厂", "SN0001", "2024-05-01", "YSP35.5", "", ""]))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        raise ValueError(_("日期“%(value)s”格式不正确（应为 2024-05-01）") % {"value": value})


def import_cylinders(upload, *, owner, by) -> ImportResult:
    """Register every row of the workbook to `owner`, or none when any row has an error; errors are
    {"row", "col", "header", "message"}. The upload has passed uploads.workbook() (what it is, what it unpacks to)."""
    try:
        ws = load_workbook(upload, read_only=True, data_only=True).worksheets[0]
    except Exception:
        return ImportResult([], [{"row": 0, "col": "", "header": "", "message": _("无法读取该文件，请使用 .xlsx 模板")}])
    rows = ws.iter_rows(values_only=True)
    header = [str(h or "").strip() for h in next(rows, [])]
    letters, errors = {}, []
    for label, key, _required in COLUMNS:
        if label in header:
            letters[key] = chr(ord("A") + header.index(label)) if header.index(label) < 26 else "?"
        elif key not in ("code", "nominal_fill_kg", "last_inspected_on"):
            errors.append({"row": 1, "col": "", "header": label, "message": _("缺少“%(column)s”列") % {"column": label}})
    if errors:
        return ImportResult([], errors)
    created = []
    with transaction.atomic():
        for number, raw in enumerate(rows, start=2):
            if number - 1 > MAX_ROWS:
                errors.append({"row": number, "col": "", "header": "", "message": _("一次最多导入%(rows)s行") % {"rows": MAX_ROWS}})
                break
            if not raw or all(v in (None, "") for v in raw):
                continue
            values = {key: raw[header.index(label)] if header.index(label) < len(raw) else None
                      for label, key, _ in COLUMNS if key in letters}

            def err(key, message, number=number):
                label = next(h for h, k, _ in COLUMNS if k == key) if key in letters else ""
                errors.append({"row": number, "col": letters.get(key, ""), "header": label, "message": message})

            kwargs = {}
            for label, key, required in COLUMNS:
                value = values.get(key)
                if isinstance(value, str):
                    value = value.strip()
                if value in (None, ""):
                    if required:
                        err(key, _("请填写%(column)s") % {"column": label})
                    continue
                try:
                    kwargs[key] = _date(value) if key in ("manufactured_on", "last_inspected_on") else str(value)
                except ValueError as exc:
                    err(key, str(exc))
            if len(kwargs) < sum(1 for _, k, r in COLUMNS if r) or any(e["row"] == number for e in errors):
                continue
            try:
                with transaction.atomic():
                    created.append(services.register_cylinder(owner=owner, by=by, **kwargs))
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        err(field, message)  # a service field is named as its column
        if errors:
            transaction.set_rollback(True)
            return ImportResult([], errors)
        audit.record("cylinders.import", owner, actor=by, extra={"count": len(created)})
    return ImportResult(created, [])
