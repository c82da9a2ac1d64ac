"""Excel import and export of a scheme version (考核方案).

A workbook is a scheme document (see ``indicators.documents``) laid out in sheets, one per
part, each with ONE header row of Chinese column names; the tables below map those names
to the document's keys. Choice values are written as their codes (``quantitative``) and
read back from the code, the English or Chinese label, or a short Chinese alias (``定量``).

Sheets, in order:

- 方案: two columns, 项目 / 值, one row per scheme field (方案代码, 方案名称, 年度, ...).
- 类别: 代码, 名称, 权重（%）, 特色指标类别 (是/否).
- 评价主体: 代码, 名称, 类型, 权重（%）.
- 指标: 类别代码, 代码, 名称, 说明, 分值, 评分方法, 方向, 目标值, 零分值, 单位,
  评价主体 (codes joined by "、" or ","), 适用社区类型 / 适用职业阶段 (codes joined by ","),
  纳入特色指标库 (是/否).
- 等级: 指标代码, 等级代码, 等级名称, 得分率下限（%）, 得分率上限（%）, 可观察行为.
- 差异化目标: 指标代码, 社区类型, 职业阶段, 目标值, 零分值.
- 加扣分: 类型 (bonus/deduction), 代码, 名称, 说明, 每次分值, 上限（分）, 扣减指标代码.
- 一票否决: 代码, 名称, 说明.

Importing checks the whole workbook's structure before anything is saved and reports
every problem at once (``SheetErrors``), each naming the sheet, the Excel row and the
column header; an import with any problem saves nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

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
    scheme_to_document,
)
from indicators.models import (
    AdjustmentItem,
    Category,
    Indicator,
    Level,
    RaterGroup,
    Scheme,
    TargetOverride,
    VetoItem,
)
from organizations.models import CareerStage, OrgUnit
from organizations.tenancy import Actor, Role

# Errors ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetError:
    """One problem in an uploaded workbook. ``row`` is the 1-based Excel row and ``column``
    the Chinese header (for the 方案 sheet: the item, e.g. 年度); either is None when the
    problem is about a whole sheet, column or file."""

    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        row = _("row %(row)s") % {"row": self.row} if self.row is not None else None
        where = " / ".join(part for part in (self.sheet, row, self.column) if part)
        return f"{where}: {self.message}" if where else self.message


class SheetErrors(Exception):
    """Every problem found in a workbook; nothing was imported."""

    def __init__(self, errors: Iterable[SheetError]) -> None:
        self.errors: list[SheetError] = list(errors)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


# The layout --------------------------------------------------------------------------------

TEXT = "text"  # free text, kept as written
CODE = "code"  # a code: stripped
DECIMAL = "decimal"
INT = "int"
BOOL = "bool"  # 是 / 否
CHOICE = "choice"  # one code of a TextChoices
CHOICES = "choices"  # codes of a TextChoices joined by ","
REFS = "refs"  # codes of other rows (rater groups) joined by "、"
SHARES = "shares"  # pay tier shares, e.g. 2:6:2

YES, NO = "是", "否"
MAX_ROWS = 5000
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT
    required: bool = False
    choices: type[models.TextChoices] | None = None
    default: Any = None
    width: int = 14

    def empty(self) -> Any:
        """The document value of an empty cell."""
        if self.default is not None:
            return self.default
        return {TEXT: "", CODE: "", BOOL: False, CHOICE: ""}.get(
            self.kind, [] if self.kind in (CHOICES, REFS, SHARES) else None
        )


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: tuple[Column, ...]
    model: type[models.Model] | None = None
    # Model fields a row cannot check on its own (foreign keys, the owner).
    exclude: tuple[str, ...] = ("tenant", "scheme")

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


SCHEME_SHEET = "方案"
ITEM_HEADER = "项目"
VALUE_HEADER = "值"
SCHEME_ITEMS: tuple[Column, ...] = (
    Column("code", "方案代码", CODE, required=True),
    Column("name", "方案名称", TEXT, required=True),
    Column("year", "年度", INT, required=True),
    Column("description", "说明"),
    Column("bonus_cap", "加分上限（分）", DECIMAL),
    Column("deduction_cap", "扣分上限（分）", DECIMAL),
    Column("grade_excellent_min", "优秀起点（%）", DECIMAL, required=True),
    Column("grade_good_min", "良好起点（%）", DECIMAL, required=True),
    Column("grade_pass_min", "合格起点（%）", DECIMAL, required=True),
    Column("excellent_quota_percent", "优秀名额上限（%）", DECIMAL),
    Column("pay_tier_shares", "分档定薪比例", SHARES),
    Column("special_indicator_limit", "特色指标可选数", INT, required=True),
    Column("template_code", "来源模板"),
)

_CODE = Column("code", "代码", CODE, required=True, width=18)
_NAME = Column("name", "名称", TEXT, required=True, width=24)
_DESCRIPTION = Column("description", "说明", TEXT, width=40)
_INDICATOR = Column("indicator", "指标代码", CODE, required=True, width=18)

CATEGORIES = Sheet(
    "类别",
    (
        _CODE,
        _NAME,
        Column("weight", "权重（%）", DECIMAL, required=True, width=12),
        Column("is_special", "特色指标类别", BOOL, width=14),
    ),
    Category,
)
GROUPS = Sheet(
    "评价主体",
    (
        _CODE,
        _NAME,
        Column(
            "kind",
            "类型",
            CHOICE,
            choices=RaterGroup.Kind,
            default=RaterGroup.Kind.ORGANISATION.value,
            width=16,
        ),
        Column("weight", "权重（%）", DECIMAL, required=True, width=12),
    ),
    RaterGroup,
)
INDICATORS = Sheet(
    "指标",
    (
        Column("category", "类别代码", CODE, required=True, width=18),
        _CODE,
        Column("name", "名称", TEXT, required=True, width=30),
        _DESCRIPTION,
        Column("max_points", "分值", DECIMAL, required=True, width=10),
        Column("method", "评分方法", CHOICE, required=True, choices=Indicator.Method, width=18),
        Column(
            "direction",
            "方向",
            CHOICE,
            choices=Indicator.Direction,
            default=Indicator.Direction.HIGHER.value,
            width=10,
        ),
        Column("target", "目标值", DECIMAL, width=10),
        Column("floor", "零分值", DECIMAL, width=10),
        Column("unit", "单位", TEXT, width=8),
        Column("rater_groups", "评价主体", REFS, width=22),
        Column("community_types", "适用社区类型", CHOICES, choices=OrgUnit.CommunityType, width=20),
        Column("career_stages", "适用职业阶段", CHOICES, choices=CareerStage, width=26),
        Column("in_special_pool", "纳入特色指标库", BOOL, width=14),
    ),
    Indicator,
    ("tenant", "scheme", "category"),
)
LEVELS = Sheet(
    "等级",
    (
        _INDICATOR,
        Column("code", "等级代码", CODE, required=True, width=10),
        Column("label", "等级名称", TEXT, required=True, width=10),
        Column("min_percent", "得分率下限（%）", DECIMAL, required=True, width=16),
        Column("max_percent", "得分率上限（%）", DECIMAL, required=True, width=16),
        Column("description", "可观察行为", TEXT, required=True, width=60),
    ),
    Level,
    ("tenant", "scheme", "indicator"),
)
OVERRIDES = Sheet(
    "差异化目标",
    (
        _INDICATOR,
        Column("community_type", "社区类型", CHOICE, choices=OrgUnit.CommunityType, width=12),
        Column("career_stage", "职业阶段", CHOICE, choices=CareerStage, width=14),
        Column("target", "目标值", DECIMAL, required=True, width=10),
        Column("floor", "零分值", DECIMAL, width=10),
    ),
    TargetOverride,
    ("tenant", "scheme", "indicator"),
)
ADJUSTMENTS = Sheet(
    "加扣分",
    (
        Column("kind", "类型", CHOICE, required=True, choices=AdjustmentItem.Kind, width=12),
        _CODE,
        _NAME,
        _DESCRIPTION,
        Column("points_per_occurrence", "每次分值", DECIMAL, required=True, width=10),
        Column("cap", "上限（分）", DECIMAL, width=10),
        Column("indicator", "扣减指标代码", CODE, width=18),
    ),
    AdjustmentItem,
    ("tenant", "scheme", "indicator"),
)
VETOES = Sheet(
    "一票否决",
    (_CODE, _NAME, Column("description", "说明", TEXT, required=True, width=60)),
    VetoItem,
)
SHEETS: tuple[Sheet, ...] = (
    CATEGORIES,
    GROUPS,
    INDICATORS,
    LEVELS,
    OVERRIDES,
    ADJUSTMENTS,
    VETOES,
)
SHEET_ORDER = [SCHEME_SHEET, *(sheet.title for sheet in SHEETS)]

# Short Chinese names people write for the choices, beside the codes and the labels.
CHOICE_ALIASES: dict[str, tuple[str, ...]] = {
    "quantitative": ("定量", "定量指标", "定量考核"),
    "qualitative": ("定性", "定性指标", "定性评价"),
    "yes_no": ("是否", "是否完成", "完成与否", "yes/no"),
    "resident_rating": ("群众评议", "居民评议", "群众满意度"),
    "higher": ("越高越好", "正向"),
    "lower": ("越低越好", "反向"),
    "bonus": ("加分",),
    "deduction": ("扣分",),
    "urban": ("城市", "城市社区", "城镇"),
    "rural": ("农村", "农村社区"),
    "mountain": ("山区", "山区社区"),
    "adaptation": ("适应期", "入职适应期"),
    "growth": ("成长期", "提升期", "能力提升期"),
    "breakthrough": ("突破期", "创新突破期"),
    "organisation": ("组织", "组织评价", "organization"),
    "expert": ("专家", "专家评价", "专家考评", "experts"),
    "self": ("自评", "自我评价"),
    "residents": ("群众", "居民", "群众评价", "居民评价"),
    "other": ("其他",),
}
TRUE_WORDS = {"是", "y", "yes", "true", "t", "1", "√", "✓", "✔", "对"}
FALSE_WORDS = {"否", "n", "no", "false", "f", "0", "×", "✗", "不是"}
LIST_SEPARATORS = re.compile(r"[,，、;；\n]+")
SHARE_SEPARATORS = re.compile(r"[:：,，、;；/\s]+")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")").casefold()


@lru_cache(maxsize=32)
def _choice_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    """Every way of writing a choice (code, English and translated labels, aliases)."""
    table: dict[str, str] = {}
    for value, label in choices.choices:
        names = [value, *CHOICE_ALIASES.get(value, ())]
        with translation.override(None):
            names.append(str(label))
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names.append(str(label))
        for name in names:
            table.setdefault(_norm(name), value)
    return table


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
