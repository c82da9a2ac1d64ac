"""Writing a scheme document as a workbook."""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from indicators.documents import (
    Document,
    scheme_to_document,
)
from indicators.excel.layout import (
    ADJUSTMENTS,
    BOOL,
    CATEGORIES,
    CHOICE,
    CHOICES,
    CODE,
    DECIMAL,
    GROUPS,
    HEADER_FILL,
    HEADER_FONT,
    INDICATORS,
    INT,
    ITEM_HEADER,
    LEVELS,
    MAX_ROWS,
    NO,
    OVERRIDES,
    REFS,
    SCHEME_ITEMS,
    SCHEME_SHEET,
    SHARES,
    SHEETS,
    VALUE_HEADER,
    VETOES,
    YES,
    Column,
    Sheet,
)
from indicators.models import (
    Scheme,
)

# Writing -----------------------------------------------------------------------------------


def _number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _cell_value(column: Column, value: Any) -> Any:
    """A document value as it is written into a cell."""
    if column.kind == BOOL:
        return YES if value else NO
    if column.kind == CHOICES:
        return ",".join(str(v) for v in value or []) or None
    if column.kind == REFS:
        return "、".join(str(v) for v in value or []) or None
    if column.kind == SHARES:
        return ":".join(_number_text(v) for v in value or []) or None
    if column.kind in (DECIMAL, INT):
        if isinstance(value, str):
            try:
                return Decimal(value)
            except InvalidOperation:
                return value
        return value
    if value is None or value == "":
        return None
    return str(value)


def _write(cell: Cell, value: Any) -> None:
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"  # text, even when it starts with "=" (never a formula)
    else:
        cell.value = value


def _start_sheet(ws: Worksheet, headers: list[str], widths: list[int]) -> None:
    ws.append(headers)
    for index, width in enumerate(widths, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"


def _add_dropdown(ws: Worksheet, column_index: int, options: list[str]) -> None:
    letter = get_column_letter(column_index)
    validation = DataValidation(
        type="list", formula1='"' + ",".join(options) + '"', allow_blank=True
    )
    ws.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")


def _write_table(wb: Workbook, sheet: Sheet, rows: list[dict[str, Any]]) -> None:
    ws = wb.create_sheet(sheet.title)
    _start_sheet(ws, [c.header for c in sheet.columns], [c.width for c in sheet.columns])
    for number, row in enumerate(rows, start=2):
        for index, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=number, column=index)
            _write(cell, _cell_value(column, row.get(column.key)))
            if column.width >= 30:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, column in enumerate(sheet.columns, start=1):
        if column.kind == CHOICE and column.choices is not None:
            _add_dropdown(ws, index, [str(value) for value in column.choices.values])
        elif column.kind == BOOL:
            _add_dropdown(ws, index, [YES, NO])
        if column.kind in (CODE, CHOICES, REFS):
            # Text, so that Excel keeps codes such as 001 as they are typed.
            ws.column_dimensions[get_column_letter(index)].number_format = "@"


def document_to_workbook(document: Document) -> bytes:
    """The document as an .xlsx workbook (bytes)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SCHEME_SHEET
    _start_sheet(ws, [ITEM_HEADER, VALUE_HEADER], [22, 50])
    head = document.get("scheme", {})
    for number, column in enumerate(SCHEME_ITEMS, start=2):
        ws.cell(row=number, column=1, value=column.header).font = HEADER_FONT
        cell = ws.cell(row=number, column=2)
        _write(cell, _cell_value(column, head.get(column.key)))
        if column.kind in (CODE, SHARES):
            cell.number_format = "@"
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")

    indicators = document.get("indicators", [])
    parts: dict[str, list[dict[str, Any]]] = {
        CATEGORIES.title: document.get("categories", []),
        GROUPS.title: document.get("rater_groups", []),
        INDICATORS.title: indicators,
        LEVELS.title: [
            {"indicator": i.get("code"), **level}
            for i in indicators
            for level in i.get("levels", [])
        ],
        OVERRIDES.title: [
            {"indicator": i.get("code"), **override}
            for i in indicators
            for override in i.get("overrides", [])
        ],
        ADJUSTMENTS.title: document.get("adjustments", []),
        VETOES.title: document.get("vetoes", []),
    }
    for sheet in SHEETS:
        _write_table(wb, sheet, parts[sheet.title])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_scheme(scheme: Scheme) -> bytes:
    """A scheme version as an .xlsx workbook."""
    return document_to_workbook(scheme_to_document(scheme))
