"""Excel exports with Chinese headers: the cycle's ranking, and the full score table
(every indicator's points per community)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from assessments.models import Assessment, Cycle, Result
from assessments.services import compute_result
from indicators import engine
from indicators.models import Category, Indicator
from indicators.presentation import grade_label
from organizations.models import OrgUnit
from reports.selectors import cycle_results

RANKING_HEADERS = [
    "排名",
    "街道排名",
    "街道",
    "社区",
    "书记",
    "总分",
    "等次",
    "绩效档次",
    "一票否决",
]
HEADER_FILL = PatternFill("solid", fgColor="1F3B57")


def _sheet(workbook: Workbook, title: str, headers: Sequence[str]) -> Worksheet:
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.title = title
    sheet.append(list(headers))
    for n, _header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=n)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(n)].width = 12 if n > 4 else 16
    sheet.freeze_panes = "A2"
    return sheet


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rows(rows: Iterable[Sequence[Any]], sheet: Worksheet) -> None:
    for row in rows:
        sheet.append(list(row))


def _grade(grade: str | None) -> str:
    """The grade's Chinese name, whatever the requester's language: the workbooks are
    Chinese documents."""
    with translation.override("zh-hans"):
        return grade_label(grade) or "未评定"


def _ranking_row(r: Result) -> list[Any]:
    return [
        r.rank_in_tenant, r.rank_in_street, r.street.name, r.assessment.community.name,
        str(r.assessment.secretary), float(r.total), _grade(r.grade), r.pay_tier,
        "是" if r.vetoed else "否",
    ]  # fmt: skip


def ranking_workbook(cycle: Cycle, street: OrgUnit | None) -> bytes:
    workbook = Workbook()
    sheet = _sheet(workbook, "排名", RANKING_HEADERS)
    _rows(map(_ranking_row, cycle_results(cycle, street)), sheet)
    return _save(workbook)


def scores_workbook(cycle: Cycle, street: OrgUnit | None) -> bytes:
    """One row per assessment: every indicator's points, category subtotals, adjustments,
    total and grade. Each assessment is scored by the engine, as on its scorecard."""
    indicators = list(
        Indicator.objects.filter(scheme_id=cycle.scheme_id).order_by(
            "category__order", "order", "pk"
        )
    )
    categories = list(Category.objects.filter(scheme_id=cycle.scheme_id).order_by("order", "pk"))
    headers = [
        "街道", "社区", "书记",
        *(f"{i.name}（{i.max_points.normalize():f}分）" for i in indicators),
        *(f"{c.name}小计" for c in categories),
        "加分", "扣分", "总分", "等次",
    ]  # fmt: skip
    workbook = Workbook()
    sheet = _sheet(workbook, "得分明细", headers)
    assessments = (
        Assessment.objects.filter(tenant_id=cycle.tenant_id, cycle=cycle)
        .select_related("scheme", "street", "community", "secretary__user")
        .order_by("street__code", "community__code", "pk")
    )
    if street is not None:
        assessments = assessments.filter(street=street)
    for assessment in assessments:
        result = compute_result(assessment, explain=False)
        points = {row.code: float(engine.to_cents(row.points)) for row in result.indicators}
        subtotals = {c.code: float(engine.to_cents(c.subtotal)) for c in result.categories}
        sheet.append(
            [
                assessment.street.name, assessment.community.name, str(assessment.secretary),
                *(points.get(i.code) for i in indicators),
                *(subtotals.get(c.code) for c in categories),
                float(engine.to_cents(result.bonus_total)),
                float(engine.to_cents(result.deduction_total)),
                float(result.total),
                _grade(result.grade),
            ]
        )  # fmt: skip
    return _save(workbook)
