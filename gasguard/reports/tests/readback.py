"""Reading the produced files back: python-docx for Word, openpyxl for Excel, pypdf for PDF."""
import io
import re

from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader


def docx_tables(data: bytes) -> dict[str, list[list[str]]]:
    """Tables by their first header cell; a repeated header gets a suffix (隐患编号, 隐患编号#2)."""
    doc = Document(io.BytesIO(data))
    tables = {}
    for t in doc.tables:
        rows = [[c.text.strip() for c in r.cells] for r in t.rows]
        key = rows[0][0]
        n = 2
        while key in tables:
            key = f"{rows[0][0]}#{n}"
            n += 1
        tables[key] = rows
    return tables


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def number_after(text: str, label: str) -> float:
    m = re.search(re.escape(label) + r"([\d.]+)", text)
    assert m, f"“{label}” not found in the report text"
    return float(m.group(1))


def xlsx_sheets(data: bytes) -> dict[str, list[list]]:
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def as_dicts(rows: list[list], key_column: int = 0) -> dict:
    head = [str(h) for h in rows[0]]
    return {str(r[key_column]): dict(zip(head, r, strict=True)) for r in rows[1:]}


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-"), "not a PDF"
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
