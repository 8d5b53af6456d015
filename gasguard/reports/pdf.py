"""The PDF report. With LibreOffice (`soffice`) installed, the filled Word file itself is converted, so the PDF
follows the office's template exactly. Without it (a bare `make run` machine), reportlab draws the same figures in a
plain layout, embedding a TrueType CJK font when fontconfig knows one, else naming the standard STSong-Light."""
import io
import os
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .excel import SHEETS

SOFFICE_TIMEOUT = 300
WIDE = {"title", "lead_units", "co_units", "description", "site", "responsible", "unit", "name"}


class PdfFailed(RuntimeError):
    pass


def soffice() -> str | None:
    configured = getattr(settings, "REPORTS_SOFFICE", None)
    if configured is not None:  # "" turns LibreOffice off
        return configured or None
    return shutil.which("soffice") or shutil.which("libreoffice")


def from_docx(docx: bytes) -> tuple[bytes, str]:
    """(pdf bytes, engine) from LibreOffice when present, else (b"", "") (the caller draws it with reportlab)."""
    exe = soffice()
    if not exe:
        return b"", ""
    with tempfile.TemporaryDirectory(prefix="gasguard-report-") as tmp:
        src = Path(tmp) / "report.docx"
        src.write_bytes(docx)
        # A profile of its own: two conversions at once must not share (and lock) one LibreOffice profile.
        profile = Path(tmp, "profile").as_uri()
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
               "--convert-to", "pdf", "--outdir", tmp, str(src)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=SOFFICE_TIMEOUT,
                                  env={**os.environ, "HOME": tmp})
        except subprocess.TimeoutExpired:
            raise PdfFailed(f"LibreOffice 转换 PDF 超过 {SOFFICE_TIMEOUT} 秒未完成（{exe}）")
        out = Path(tmp) / "report.pdf"
        if done.returncode != 0 or not out.exists():
            raise PdfFailed(f"LibreOffice 转换 PDF 失败（{exe}，退出码 {done.returncode}）：{done.stderr.strip()[:300]}")
        return out.read_bytes(), "libreoffice"


@lru_cache(maxsize=1)
def _font() -> str:
    try:
        out = subprocess.run(["fc-list", ":lang=zh:fontformat=TrueType", "file"], capture_output=True, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    for path in sorted(line.split(":")[0].strip() for line in out.splitlines() if line.strip()):
        try:  # TrueType outlines only: reportlab cannot embed CFF (e.g. Noto CJK's OpenType) fonts
            pdfmetrics.registerFont(TTFont("GasGuardCJK", path, subfontIndex=0))
            return "GasGuardCJK"
        except Exception:
            continue
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def draw(ctx: dict) -> tuple[bytes, str]:
    """The report's text and tables drawn with reportlab (no charts): the fallback without LibreOffice."""
    font = _font()
    title = ParagraphStyle("t", fontName=font, fontSize=18, leading=26, alignment=1)
    h1 = ParagraphStyle("h", fontName=font, fontSize=13, leading=20, spaceBefore=8)
    body = ParagraphStyle("b", fontName=font, fontSize=10, leading=16)
    cell = ParagraphStyle("c", fontName=font, fontSize=7, leading=9)
    t = ctx["totals"]
    width = landscape(A4)[0] - 24 * mm
    story = [Paragraph(ctx["title"], title), Paragraph(f"（{ctx['month_label']}）", body), Spacer(1, 4 * mm),
             Paragraph("一、总体情况", h1),
             Paragraph(f"{ctx['period_text']}，全区共开展燃气安全检查{t['inspections_month']}次；本月新发现隐患{t['found_month']}项，"
                       f"销号{t['closed_month']}项。累计发现隐患{t['found']}项，已销号{t['closed']}项，未销号{t['open']}项，"
                       f"整改率{t['rate']}%；逾期未整改{t['overdue']}项，重大隐患{t['major']}项。", body)]
    for n, (name, key, columns) in enumerate(SHEETS[:5], start=2):
        rows = ctx[key][:500]
        story.append(Paragraph(f"{'二三四五六'[n - 2]}、{name}（{len(ctx[key])}）", h1))
        data = [[Paragraph(label, cell) for _, label in columns]]
        data += [[Paragraph(str(r.get(k, "")), cell) for k, _ in columns] for r in rows]
        weights = [4 if k in WIDE else 1 for k, _ in columns]
        widths = [width * w / sum(weights) for w in weights]
        table = Table(data, repeatRows=1, colWidths=widths)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.black),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0"))]))
        story.append(table)
    lb, en = ctx["lookbacks"], ctx["enforcement"]
    story += [Paragraph("七、“回头看”情况", h1),
              Paragraph(f"本月抽取{lb['drawn']}项，已复查{lb['checked']}项，整改有效{lb['confirmed']}项，反弹{lb['rebound']}项。", body),
              Paragraph("八、督办与执法情况", h1),
              Paragraph(f"本月下发督办单{en['orders_issued']}份，已反馈{en['orders_answered']}份；月末未反馈{en['orders_open']}份。"
                        f"{en['cases_note']}", body)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=landscape(A4), title=ctx["title"], leftMargin=12 * mm, rightMargin=12 * mm).build(story)
    return out.getvalue(), f"reportlab:{font}"


def render(docx: bytes, ctx: dict) -> tuple[bytes, str]:
    pdf, engine = from_docx(docx)
    return (pdf, engine) if pdf else draw(ctx)
