"""Reading a workbook back into a scheme document, checking everything before anything is saved."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from indicators import services
from indicators.documents import (
    ADJUSTMENT_FIELDS,
    CATEGORY_FIELDS,
    GROUP_FIELDS,
    INDICATOR_FIELDS,
    LEVEL_FIELDS,
    OVERRIDE_FIELDS,
    VETO_FIELDS,
    Document,
)
from indicators.excel.layout import (
    ADJUSTMENTS,
    BOOL,
    CATEGORIES,
    CHOICE,
    CHOICES,
    CODE,
    DECIMAL,
    FALSE_WORDS,
    GROUPS,
    INDICATORS,
    INT,
    ITEM_HEADER,
    LEVELS,
    LIST_SEPARATORS,
    MAX_ROWS,
    NO,
    OVERRIDES,
    REFS,
    SCHEME_ITEMS,
    SCHEME_SHEET,
    SHARE_SEPARATORS,
    SHARES,
    SHEET_ORDER,
    SHEETS,
    TEXT,
    TRUE_WORDS,
    VALUE_HEADER,
    VETOES,
    YES,
    Column,
    Sheet,
    SheetError,
    SheetErrors,
    _choice_lookup,
    _norm,
)
from indicators.excel.writer import (
    _number_text,
)
from indicators.models import (
    Scheme,
)
from organizations.tenancy import Actor, Role

# Reading -----------------------------------------------------------------------------------


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, int | float | Decimal):
        return _number_text(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _decimal(value: Any) -> Decimal | None:
    """The number in a cell, or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def _shares(value: Any) -> tuple[list[int | float], list[str]]:
    """Pay tier shares and the parts that are not numbers."""
    if isinstance(value, dt.time):
        # Excel turns 2:6:2 typed into a General cell into the time 02:06:02.
        parts: list[Any] = [value.hour, value.minute] + ([value.second] if value.second else [])
    elif isinstance(value, str):
        parts = [p for p in SHARE_SEPARATORS.split(value.strip()) if p]
    else:
        parts = [value]
    shares: list[int | float] = []
    bad: list[str] = []
    for part in parts:
        number = _decimal(part)
        if number is None:
            bad.append(_text(part))
        elif number == number.to_integral_value():
            shares.append(int(number))
        else:
            shares.append(float(number))
    return shares, bad


def _choice(column: Column, text: str) -> tuple[str, str | None]:
    assert column.choices is not None
    value = _choice_lookup(column.choices).get(_norm(text))
    if value is None:
        return text, _("Unknown value %(value)s; use one of: %(choices)s.") % {
            "value": text,
            "choices": ", ".join(str(v) for v in column.choices.values),
        }
    return value, None


def _parse_cell(column: Column, raw: Any) -> tuple[Any, str | None]:
    """A cell's document value, and what is wrong with it (None if nothing)."""
    if _is_blank(raw):
        if column.required:
            return column.empty(), _("This cell is required.")
        return column.empty(), None
    kind = column.kind
    if kind == TEXT:
        return _text(raw), None
    if kind == CODE:
        return _text(raw).strip(), None
    if kind in (DECIMAL, INT):
        number = _decimal(raw)
        if number is None:
            return None, _("Not a number: %(value)s") % {"value": _text(raw)}
        if kind == INT:
            if number != number.to_integral_value():
                return None, _("Not a whole number: %(value)s") % {"value": _text(raw)}
            return int(number), None
        return number, None
    if kind == BOOL:
        if isinstance(raw, bool):
            return raw, None
        word = _norm(_text(raw))
        if word in TRUE_WORDS:
            return True, None
        if word in FALSE_WORDS:
            return False, None
        return False, _("Write 是 or 否, not %(value)s.") % {"value": _text(raw)}
    if kind == CHOICE:
        return _choice(column, _text(raw).strip())
    if kind in (CHOICES, REFS):
        items = [p.strip() for p in LIST_SEPARATORS.split(_text(raw)) if p.strip()]
        if kind == REFS:
            return list(dict.fromkeys(items)), None
        values: list[str] = []
        problems: list[str] = []
        for item in items:
            value, problem = _choice(column, item)
            if problem:
                problems.append(problem)
            elif value not in values:
                values.append(value)
        return values, " ".join(problems) or None
    if kind == SHARES:
        shares, bad = _shares(raw)
        if bad:
            return [], _("Not a number: %(value)s") % {"value": ", ".join(bad)}
        return shares, None
    raise AssertionError(f"unknown column kind {kind}")


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    # Keys whose cells already have a problem (not reported again by the model checks).
    bad: set[str] = field(default_factory=set)

    def get(self, column: Column) -> Any:
        return self.values.get(column.key, column.empty())


@dataclass
class _Table:
    sheet: Sheet
    rows: list[_Row] = field(default_factory=list)
    # False when the sheet or one of its columns is missing: references into it are unchecked.
    complete: bool = True

    def codes(self) -> set[str]:
        return {row.values.get("code", "") for row in self.rows} - {""}


@dataclass
class _Parsed:
    document: Document
    # Scheme field → its row on the 方案 sheet.
    scheme_rows: dict[str, int]


class _Reader:
    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.errors: list[SheetError] = []
        self.titles = {str(title).strip(): title for title in wb.sheetnames}

    def error(self, sheet: str | None, row: int | None, column: str | None, message: str) -> None:
        self.errors.append(SheetError(sheet, row, column, str(message)))

    def rows(self, title: str) -> tuple[tuple[Any, ...], list[tuple[int, tuple[Any, ...]]]] | None:
        """The sheet's header and its non-blank rows with their Excel row numbers; None
        when the sheet is missing."""
        if title not in self.titles:
            self.error(title, None, None, _("The sheet %(sheet)s is missing.") % {"sheet": title})
            return None
        header: tuple[Any, ...] = ()
        rows: list[tuple[int, tuple[Any, ...]]] = []
        try:
            for number, values in enumerate(
                self.wb[self.titles[title]].iter_rows(values_only=True), start=1
            ):
                if number == 1:
                    header = tuple(values)
                elif any(not _is_blank(v) for v in values):
                    if len(rows) == MAX_ROWS:
                        self.error(
                            title,
                            number,
                            None,
                            _("A sheet may have at most %(max)s rows.") % {"max": MAX_ROWS},
                        )
                        break
                    rows.append((number, tuple(values)))
        except Exception:  # a damaged sheet inside a readable zip
            raise _unreadable() from None
        return header, rows

    def header(
        self, title: str, header: tuple[Any, ...], columns: tuple[Column, ...]
    ) -> tuple[dict[int, Column], bool]:
        """Which column is where; and whether all are there."""
        known: dict[str, Column] = {}
        for column in columns:
            known[_norm(column.header)] = column
            known.setdefault(_norm(column.key), column)
        positions: dict[int, Column] = {}
        for index, cell in enumerate(header):
            if _is_blank(cell):
                continue
            text = _text(cell).strip()
            found = known.get(_norm(text))
            if found is None:
                self.error(title, 1, text, _("Unknown column %(column)s.") % {"column": text})
            elif found in positions.values():
                self.error(title, 1, text, _("This column appears more than once."))
            else:
                positions[index] = found
        missing = [c for c in columns if c not in positions.values()]
        for column in missing:
            self.error(
                title,
                1,
                column.header,
                _("The column %(column)s is missing.") % {"column": column.header},
            )
        return positions, not missing

    def table(self, sheet: Sheet) -> _Table:
        read = self.rows(sheet.title)
        if read is None:
            return _Table(sheet, complete=False)
        header, rows = read
        positions, complete = self.header(sheet.title, header, sheet.columns)
        table = _Table(sheet, complete=complete)
        for number, values in rows:
            row = _Row(number, {})
            for index, column in positions.items():
                value, problem = _parse_cell(column, values[index] if index < len(values) else None)
                row.values[column.key] = value
                if problem:
                    row.bad.add(column.key)
                    self.error(sheet.title, number, column.header, problem)
            table.rows.append(row)
            if sheet.model is not None:
                self.model_check(sheet, row)
        return table

    def model_check(self, sheet: Sheet, row: _Row) -> None:
        """What the model's field validation says about the row (lengths, digits, slugs)."""
        assert sheet.model is not None
        names = {f.name for f in sheet.model._meta.concrete_fields}
        values = {k: v for k, v in row.values.items() if k in names and k not in sheet.exclude}
        instance = sheet.model(**values)
        try:
            instance.full_clean(
                exclude=[*sheet.exclude, *row.bad],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                column = next((c for c in sheet.columns if c.key == key), None)
                if column is not None and key not in row.values:
                    continue  # a missing column, reported once already
                for message in messages:
                    self.error(sheet.title, row.number, column.header if column else None, message)

    def scheme(self) -> tuple[dict[str, Any], dict[str, int]]:
        head: dict[str, Any] = {}
        where: dict[str, int] = {}
        read = self.rows(SCHEME_SHEET)
        if read is None:
            return head, where
        header, rows = read
        item_column = Column("item", ITEM_HEADER)
        value_column = Column("value", VALUE_HEADER)
        positions, complete = self.header(SCHEME_SHEET, header, (item_column, value_column))
        if not complete:
            return head, where
        item_at = next(i for i, c in positions.items() if c is item_column)
        value_at = next(i for i, c in positions.items() if c is value_column)
        items: dict[str, Column] = {}
        for item in SCHEME_ITEMS:
            items[_norm(item.header)] = item
            items.setdefault(_norm(item.key), item)
        bad: set[str] = set()
        for number, values in rows:
            label = values[item_at] if item_at < len(values) else None
            raw = values[value_at] if value_at < len(values) else None
            if _is_blank(label):
                if not _is_blank(raw):
                    self.error(SCHEME_SHEET, number, ITEM_HEADER, _("Say which item this is."))
                continue
            found = items.get(_norm(_text(label)))
            if found is None:
                self.error(
                    SCHEME_SHEET,
                    number,
                    _text(label).strip(),
                    _("Unknown item %(item)s.") % {"item": _text(label).strip()},
                )
                continue
            if found.key in where:
                self.error(
                    SCHEME_SHEET,
                    number,
                    found.header,
                    _("This item appears twice (first on row %(row)s).")
                    % {"row": where[found.key]},
                )
                continue
            value, problem = _parse_cell(found, raw)
            where[found.key] = number
            head[found.key] = value
            if problem:
                bad.add(found.key)
                self.error(SCHEME_SHEET, number, found.header, problem)
        for column in SCHEME_ITEMS:
            if column.required and column.key not in where:
                self.error(
                    SCHEME_SHEET,
                    None,
                    column.header,
                    _("The item %(item)s is missing.") % {"item": column.header},
                )
        scheme = Scheme(**head)
        try:
            scheme.full_clean(
                exclude=[
                    "tenant",
                    "based_on",
                    *bad,
                    *(c.key for c in SCHEME_ITEMS if c.key not in head),
                ],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                named = next((c for c in SCHEME_ITEMS if c.key == key), None)
                for message in messages:
                    self.error(
                        SCHEME_SHEET, where.get(key), named.header if named else None, message
                    )
        return head, where

    def check_codes(self, table: _Table, key: str = "code") -> None:
        """Codes are unique within the sheet."""
        seen: dict[str, int] = {}
        column = table.sheet.column(key)
        for row in table.rows:
            code = row.values.get(key, "")
            if not code:
                continue
            if code in seen:
                self.error(
                    table.sheet.title,
                    row.number,
                    column.header,
                    _("The code %(code)s is used twice (first on row %(row)s).")
                    % {"code": code, "row": seen[code]},
                )
            else:
                seen[code] = row.number

    def check_refs(self, table: _Table, key: str, target: _Table, message: str) -> None:
        """Every code in ``key`` names a row of ``target``."""
        if not target.complete:
            return
        codes = target.codes()
        column = table.sheet.column(key)
        for row in table.rows:
            if key in row.bad:
                continue
            value = row.values.get(key)
            for code in value if isinstance(value, list) else [value]:
                if code and code not in codes:
                    self.error(
                        table.sheet.title, row.number, column.header, message % {"code": code}
                    )


def _unreadable() -> SheetErrors:
    return SheetErrors(
        [SheetError(None, None, None, _("The file is not an Excel workbook (.xlsx)."))]
    )


def _parse(data: bytes) -> _Parsed:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any failure to open: not a workbook we can read
        raise _unreadable() from None
    reader = _Reader(wb)
    try:
        head, scheme_rows = reader.scheme()
        tables = {sheet.title: reader.table(sheet) for sheet in SHEETS}
    finally:
        wb.close()

    categories, groups, indicators = (
        tables[CATEGORIES.title],
        tables[GROUPS.title],
        tables[INDICATORS.title],
    )
    levels, overrides = tables[LEVELS.title], tables[OVERRIDES.title]
    adjustments, vetoes = tables[ADJUSTMENTS.title], tables[VETOES.title]
    for table in (categories, groups, indicators, adjustments, vetoes):
        reader.check_codes(table)
    reader.check_refs(indicators, "category", categories, _("Unknown category: %(code)s."))
    reader.check_refs(indicators, "rater_groups", groups, _("Unknown rater group: %(code)s."))
    unknown_indicator = _("Unknown indicator: %(code)s.")
    for table in (levels, overrides, adjustments):
        reader.check_refs(table, "indicator", indicators, unknown_indicator)

    max_points = INDICATORS.column("max_points")
    for row in indicators.rows:
        points = row.values.get("max_points")
        if points is not None and points <= 0:
            reader.error(INDICATORS.title, row.number, max_points.header, _("Must be above 0."))
    _check_unique_within_indicator(
        reader,
        levels,
        ("code",),
        _("The indicator %(indicator)s already has this level (row %(row)s)."),
    )
    _check_unique_within_indicator(
        reader,
        overrides,
        ("community_type", "career_stage"),
        _(
            "The indicator %(indicator)s already has a target for this community type and"
            " career stage (row %(row)s)."
        ),
    )

    if reader.errors:
        order = {title: n for n, title in enumerate(SHEET_ORDER)}
        reader.errors.sort(key=lambda e: (order.get(e.sheet or "", -1), e.row or 0))
        raise SheetErrors(reader.errors)

    def pick(sheet: Sheet, row: _Row, keys: list[str]) -> dict[str, Any]:
        return {key: row.get(sheet.column(key)) for key in keys}

    by_indicator: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row in levels.rows:
        entry = by_indicator.setdefault(row.values["indicator"], {"levels": [], "overrides": []})
        entry["levels"].append(pick(LEVELS, row, LEVEL_FIELDS))
    for row in overrides.rows:
        entry = by_indicator.setdefault(row.values["indicator"], {"levels": [], "overrides": []})
        entry["overrides"].append(pick(OVERRIDES, row, OVERRIDE_FIELDS))
    document: Document = {
        "scheme": head,
        "categories": [pick(CATEGORIES, row, CATEGORY_FIELDS) for row in categories.rows],
        "rater_groups": [pick(GROUPS, row, GROUP_FIELDS) for row in groups.rows],
        "indicators": [
            {
                "category": row.values["category"],
                **pick(INDICATORS, row, INDICATOR_FIELDS),
                "rater_groups": row.get(INDICATORS.column("rater_groups")),
                "levels": by_indicator.get(row.values["code"], {}).get("levels", []),
                "overrides": by_indicator.get(row.values["code"], {}).get("overrides", []),
            }
            for row in indicators.rows
        ],
        "adjustments": [
            {
                **pick(ADJUSTMENTS, row, ADJUSTMENT_FIELDS),
                "indicator": row.values["indicator"] or None,
            }
            for row in adjustments.rows
        ],
        "vetoes": [pick(VETOES, row, VETO_FIELDS) for row in vetoes.rows],
    }
    return _Parsed(document, scheme_rows)


def _check_unique_within_indicator(
    reader: _Reader, table: _Table, keys: tuple[str, ...], message: str
) -> None:
    seen: dict[tuple[Any, ...], int] = {}
    column = table.sheet.column(keys[0])
    for row in table.rows:
        indicator = row.values.get("indicator")
        if not indicator or any(k in row.bad or k not in row.values for k in keys):
            continue
        key = (indicator, *(row.values[k] for k in keys))
        if key in seen:
            reader.error(
                table.sheet.title,
                row.number,
                column.header,
                message % {"indicator": indicator, "row": seen[key]},
            )
        else:
            seen[key] = row.number


def workbook_to_document(data: bytes) -> Document:
    """The scheme document in an uploaded workbook; ``SheetErrors`` lists every problem."""
    return _parse(data).document


def _sheet_errors(exc: ValidationError, scheme_rows: dict[str, int]) -> list[SheetError]:
    """A model's ValidationError, placed on the 方案 sheet where it names a scheme field.

    Every part's fields are checked row by row before anything is saved, so an error that
    gets this far is about the scheme itself (e.g. its code is taken)."""
    items = (
        exc.message_dict.items()
        if hasattr(exc, "error_dict")
        else [(NON_FIELD_ERRORS, exc.messages)]
    )
    headers = {c.key: c.header for c in SCHEME_ITEMS}
    errors: list[SheetError] = []
    for key, messages in items:
        for message in messages:
            if key in headers:
                errors.append(SheetError(SCHEME_SHEET, scheme_rows.get(key), headers[key], message))
            else:
                errors.append(SheetError(None, None, None, message))
    return errors


def import_scheme(*, actor: Actor, data: bytes) -> Scheme:
    """A new draft scheme (version 1) from an uploaded workbook; nothing is saved on any
    problem, and ``SheetErrors`` lists them all."""
    actor.require(Role.TENANT_ADMIN)
    parsed = _parse(data)
    try:
        with transaction.atomic():
            return services.scheme_create_from_document(actor=actor, document=parsed.document)
    except ValidationError as exc:
        raise SheetErrors(_sheet_errors(exc, parsed.scheme_rows)) from exc
