"""QR labels as printable A4 PDF sheets: each label has the QR code (it opens the public scan page), the code in
letters, the owner, the model and the next inspection date."""
import base64
import hashlib
import hmac
import io

from django.conf import settings
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from .notice import _font

COLUMNS, ROWS = 3, 8
MARGIN_X, MARGIN_Y = 8 * mm, 10 * mm


def scan_token(code: str) -> str:
    """16 characters of an HMAC of the code: the label's URL cannot be guessed from the (sequential) code."""
    secret = getattr(settings, "CYLINDER_SCAN_KEY", "") or settings.SECRET_KEY
    digest = hmac.new(("gasguard.cylinders.scan:" + secret).encode(), code.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode().lower()


def token_matches(code: str, token: str) -> bool:
    return hmac.compare_digest(scan_token(code), (token or "").lower())


def scan_url(code: str, base: str = "") -> str:
    base = (base or getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")
    return f"{base}/cylinders/scan/{code}/{scan_token(code)}/"


def label_sheet(cylinders, base_url: str = "") -> bytes:
    font = _font()
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1)
    pdf.setTitle("气瓶二维码标签")
    width, height = A4
    cell_w = (width - 2 * MARGIN_X) / COLUMNS
    cell_h = (height - 2 * MARGIN_Y) / ROWS
    qr_size = min(cell_h - 6 * mm, 28 * mm)
    for i, cyl in enumerate(cylinders):
        if i and i % (COLUMNS * ROWS) == 0:
            pdf.showPage()
        slot = i % (COLUMNS * ROWS)
        x = MARGIN_X + (slot % COLUMNS) * cell_w
        y = height - MARGIN_Y - (slot // COLUMNS + 1) * cell_h
        widget = QrCodeWidget(scan_url(cyl.code, base_url), barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(qr_size, qr_size, transform=[qr_size / (x1 - x0), 0, 0, qr_size / (y1 - y0), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, pdf, x + 2 * mm, y + (cell_h - qr_size) / 2)
        tx = x + qr_size + 4 * mm
        pdf.setFont("Helvetica-Bold", 9)
        pdf.drawString(tx, y + cell_h - 10 * mm, cyl.code)
        pdf.setFont(font, 7)
        pdf.drawString(tx, y + cell_h - 15 * mm, str(cyl.owner)[:14])
        pdf.drawString(tx, y + cell_h - 19 * mm, f"型号 {cyl.model}")
        pdf.drawString(tx, y + cell_h - 23 * mm, f"下次检验 {cyl.next_inspection_due:%Y-%m-%d}")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()
