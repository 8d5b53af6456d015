"""The Word report: a docxtpl template (Jinja2 tags inside a .docx) filled with the month's figures."""
import io
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from .figures import sample_context

DEFAULT_TEMPLATE = Path(__file__).parent / "word_templates" / "district-report.docx"


def _sandbox() -> SandboxedEnvironment:
    # an uploaded template is user code: its tags may read the context, never Python internals (os, __globals__)
    return SandboxedEnvironment(autoescape=True)


def _open(source) -> DocxTemplate:
    if hasattr(source, "open") and not isinstance(source, (str, Path)):  # a FieldFile
        source.open("rb")
        try:
            data = source.read()
        finally:
            source.close()
        return DocxTemplate(io.BytesIO(data))
    return DocxTemplate(str(source))


def render(context: dict, charts: dict[str, bytes], template=None) -> bytes:
    """Fill `template` (a path, a stored file, or the default) with `context`; `charts` are PNGs by placeholder."""
    doc = _open(template or DEFAULT_TEMPLATE)
    images = {name: InlineImage(doc, io.BytesIO(png), width=Mm(160)) for name, png in charts.items()}
    try:
        doc.render({**context, **images}, jinja_env=_sandbox())
    except SecurityError as exc:
        raise ValidationError(_("月报模板无法填写：模板中含有不允许的操作（%(detail)s）") % {"detail": exc})
    except Exception as exc:  # jinja2 errors name the tag that failed; say which template it was
        raise ValidationError(_("月报模板无法填写：%(kind)s: %(exc)s（请对照 reports/README.md 的占位符检查模板）") % {
            "kind": exc.__class__.__name__, "exc": exc})
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def check_template(upload):
    """Refuse a template that is not a .docx or whose tags cannot be filled (tried with an empty month)."""
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".docx"):
        raise ValidationError(_("月报模板须为 Word 文档（.docx）；.doc 请先在 Word 中另存为 .docx"))
    try:
        upload.seek(0)
        doc = DocxTemplate(io.BytesIO(upload.read()))
        upload.seek(0)
        doc.render(sample_context(), jinja_env=_sandbox())
    except ValidationError:
        raise
    except SecurityError as exc:
        raise ValidationError(_("月报模板无法使用：模板中含有不允许的操作（%(detail)s），占位符只能读取月报数据") % {"detail": exc})
    except Exception as exc:
        raise ValidationError(_("月报模板无法使用：%(kind)s: %(exc)s") % {"kind": exc.__class__.__name__, "exc": exc})
