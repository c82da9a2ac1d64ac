"""The workbook's layout: sheets, columns, choice words, and the errors an import reports."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill

from indicators.models import (
    AdjustmentItem,
    Category,
    Indicator,
    Level,
    RaterGroup,
    TargetOverride,
    VetoItem,
)
from organizations.models import CareerStage, OrgUnit

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
