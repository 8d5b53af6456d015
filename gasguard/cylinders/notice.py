"""The written rectification notice (隐患整改通知书) left with the user after a failed safety check at delivery.
The national criteria count a missing written notice as a major hazard of the gas enterprise, so it is generated
from the recorded hazards, kept with the delivery (with its SHA-256) and printable."""
import functools
import hashlib
import io
import logging
import os
from decimal import Decimal

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

CID_FONT = "STSong-Light"  # a CID font every PDF reader has, but not embedded: the reader supplies the glyphs
DEFAULT_PDF_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc#0"  # Debian's fonts-wqy-zenhei (settings.py)


@functools.cache
def _warn_default_font_missing(path):
    logging.getLogger(__name__).warning(
        "PDF字体 %s 不存在（未安装 fonts-wqy-zenhei）：整改通知书和标签改用不嵌入的 STSong-Light 字体；"
        "安装该字体或设置 CYLINDER_PDF_FONT 即可嵌入字体", path)


def _font():
    """The registered name of the PDF font: the TrueType font of CYLINDER_PDF_FONT, embedded (subset) so the notice
    prints the same anywhere; the CID font when the setting is empty. A missing or unusable file is a clear error
    (a notice the user cannot read is no notice)."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    spec = getattr(settings, "CYLINDER_PDF_FONT", "")
    path, _, index = spec.partition("#")
    if spec == DEFAULT_PDF_FONT and not os.path.isfile(path):
        # The default is an optional system package: a machine without it still prints notices (CID font).
        _warn_default_font_missing(path)
        spec = ""
    if not spec:
        name = CID_FONT
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(name))
        return name
    name = "gasguard-" + hashlib.sha1(spec.encode()).hexdigest()[:8]  # stable: the PDF bytes do not vary by process
    if name not in pdfmetrics.getRegisteredFontNames():
        if not os.path.isfile(path):
            raise ImproperlyConfigured(
                f"PDF字体文件不存在：{path}（设置 CYLINDER_PDF_FONT）。请安装 fonts-wqy-zenhei"
                "（bash scripts/install-system-deps.sh），或将 CYLINDER_PDF_FONT 设为含中文的 TrueType 字体路径；"
                "设为空则使用不嵌入的 STSong-Light 字体")
        try:
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=int(index or 0)))
        except (TTFError, ValueError) as exc:
            raise ImproperlyConfigured(f"PDF字体 {spec} 无法嵌入（设置 CYLINDER_PDF_FONT）：{exc}。"
                                       "须为TrueType轮廓字体（.ttf/.ttc），OpenType/CFF字体（如 Noto CJK）不能嵌入") from exc
    return name


def _wrap(text, width):
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]


# Photo thumbnails: at most this many pixels on the long side (about 190 dpi at the printed 55 mm), JPEG; the
# phone's 12-megapixel originals would make a notice of tens of megabytes.
THUMB_PX = 420
THUMB_MM = 55
THUMB_QUALITY = 80


def thumbnail(photo):
    """The photo as a small JPEG (bytes, width, height), or None when its file is not a readable image (a file
    stored before uploads were re-encoded may be anything) or has more pixels than an upload may."""
    from django.conf import settings
    from PIL import Image, UnidentifiedImageError

    from gasguard.utilities.uploads import IMAGE_FORMATS

    try:
        with photo.file.open("rb") as f, Image.open(f, formats=IMAGE_FORMATS) as image:
            if image.width * image.height > settings.UPLOAD_MAX_PIXELS:
                return None
            image.draft("RGB", (THUMB_PX, THUMB_PX))  # JPEG: decode at a reduced scale, not the full picture
            image = image.convert("RGB")
            image.thumbnail((THUMB_PX, THUMB_PX))
            out = io.BytesIO()
            image.save(out, "JPEG", quality=THUMB_QUALITY, optimize=True)
            return out.getvalue(), image.width, image.height
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        return None


def failed_points(delivery):
    """The checklist points the delivery failed, in checklist order: (point, measured value or None)."""
    from .checklist import POINTS

    rows = []
    for point in POINTS:
        answer = (delivery.checklist or {}).get(point.key)
        if answer and answer.get("passed") is False:
            rows.append((point, answer.get("value")))
    return rows


def rectification_notice(delivery, hazards) -> bytes:
    from django.conf import settings
    from django.utils import translation

    # The notice is the written document the user keeps: in the platform's language, whatever the courier's page.
    with translation.override(settings.LANGUAGE_CODE):
        return _notice(delivery, hazards)


def _notice(delivery, hazards) -> bytes:
    """The notice: who, where, when, the checklist points that failed (with the measured values), each hazard with
    its number and deadline, the photos taken at the check (thumbnails, embedded: the notice stands on its own
    once printed or sent), and the user's acknowledgement."""
    from reportlab.lib.utils import ImageReader

    from gasguard.catalog.models import plain

    font = _font()
    sale = delivery.sale
    customer = sale.customer
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1)
    pdf.setTitle("燃气安全隐患整改通知书")
    width, height = A4
    y = height - 25 * mm

    def new_page_if(needed):
        nonlocal y
        if y - needed < 20 * mm:
            pdf.showPage()
            y = height - 25 * mm

    def line(text, size=11, x=20 * mm, gap=7 * mm):
        nonlocal y
        new_page_if(gap)
        pdf.setFont(font, size)
        pdf.drawString(x, y, text)
        y -= gap

    pdf.setFont(font, 18)
    pdf.drawCentredString(width / 2, y, "燃气安全隐患整改通知书")
    y -= 12 * mm
    line(f"编号：{sale.number}")
    # Masked: the notice is kept and forwarded (the customer record holds the whole values).
    line(f"用户：{customer.name_masked}        联系电话：{customer.phone_masked}")
    if delivery.site.site_type != "household":
        line(f"用气场所：{delivery.site.name}（{delivery.site.get_site_type_display()}）")
    line(f"用气地址：{sale.usage_address}")
    line(f"安检日期：{timezone.localtime(delivery.delivered_at):%Y年%m月%d日 %H:%M}")
    line(f"供气企业：{sale.seller}        安检人员：{sale.safety_checker}（证书 {sale.safety_checker.certificate_number}）")
    answers = (delivery.checklist or {}).values()
    passed = sum(a.get("passed") is True for a in answers)
    failed = failed_points(delivery)
    line(f"本次随瓶安检共 {len(delivery.checklist or {})} 项：合格 {passed} 项，不合格 {len(failed)} 项，"
         f"不适用 {sum(a.get('passed') is None for a in answers)} 项。", size=10)
    y -= 3 * mm
    line("一、不合格检查项", size=12)
    for i, (point, value) in enumerate(failed, 1):
        measured = f"（实测 {plain(Decimal(value))}{point.unit}）" if value not in (None, "") else ""
        for j, part in enumerate(_wrap(f"{i}. 要求：{point.text}；结果：不合格{measured}", 42)):
            line(part if j == 0 else "   " + part, size=10, gap=6 * mm)
    y -= 2 * mm
    line("二、发现下列燃气安全隐患，请在整改期限内完成整改：", size=12)
    for i, hazard in enumerate(hazards, 1):
        for j, part in enumerate(_wrap(f"{i}. {hazard.description}", 42)):
            line(part if j == 0 else "   " + part)
        line(f"   隐患编号：{hazard.number}    整改期限：{hazard.deadline:%Y年%m月%d日}", size=10)
    photos = list(delivery.photos.order_by("pk"))
    if photos:
        y -= 2 * mm
        line(f"三、现场照片（{len(photos)} 张）", size=12)
        box, x = THUMB_MM * mm, 20 * mm
        for n, photo in enumerate(photos, 1):
            thumb = thumbnail(photo)
            if x + box > width - 15 * mm:  # the row is full
                x, y = 20 * mm, y - box - 10 * mm
            if x == 20 * mm:  # a row starts: on this page only if the whole row fits
                new_page_if(box + 10 * mm)
            if thumb is None:
                pdf.setFont(font, 9)
                pdf.drawString(x, y - 5 * mm, f"照片{n}：文件不是可识别的图片，未嵌入")
                pdf.drawString(x, y - 10 * mm, f"SHA-256 {photo.sha256[:16]}…")
            else:
                data, w, h = thumb
                scale = box / max(w, h)
                pdf.drawImage(ImageReader(io.BytesIO(data)), x, y - h * scale, w * scale, h * scale)
                pdf.setFont(font, 8)
                pdf.drawString(x, y - box - 4 * mm, f"照片{n}  SHA-256 {photo.sha256[:16]}…")
            x += box + 5 * mm
        y -= box + 10 * mm
    y -= 3 * mm
    for part in _wrap("逾期未整改或拒不整改的，供气企业将依照《滨海新区城镇燃气安全专项整治工作方案》停止供气，"
                      "并报告属地和燃气管理部门。", 44):
        line(part, size=10, gap=6 * mm)
    y -= 6 * mm
    line(f"用户签收：{delivery.acknowledged_by}")
    line(f"供气企业（盖章）：{sale.seller}")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()
