"""Every workbook the platform writes goes through here, so a value typed by a user can never become a formula.

A string beginning with = + - @ (or a tab or carriage return, which some spreadsheet programs skip before
reading a formula) is written as a text cell with Excel's quote prefix: it shows exactly as typed, and stays text
even when someone edits the cell. Numbers, dates and other strings are written as they are."""
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def text_cell(ws, value):
    """For openpyxl's ws.append: a formula-like string as a text cell with the quote prefix, anything else as is."""
    if not is_formula_like(value):
        return value
    cell = WriteOnlyCell(ws) if isinstance(ws, WriteOnlyWorksheet) else Cell(ws)
    _as_text(cell, value)
    return cell


def row(ws, values) -> list:
    """The values of one row for ws.append, neutralised."""
    return [text_cell(ws, v) for v in values]


def put(ws, row_number: int, column: int, value):
    """ws.cell(row, column, value), neutralised; returns the cell."""
    cell = ws.cell(row_number, column)
    if is_formula_like(value):
        _as_text(cell, value)
    else:
        cell.value = value
    return cell


def _as_text(cell, value: str):
    # Assigning cell.value would type it as a formula ('f'); set the text and its type directly.
    cell._value = value
    cell.data_type = "s"
    cell.quotePrefix = True
