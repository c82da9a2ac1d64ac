"""Excel export and import of a scheme: lossless round trips, and a bad workbook is refused
as a whole with every problem named by sheet, row and column."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from decimal import Decimal as D
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from indicators import excel, services
from indicators.documents import SCHEME_FIELDS, Document, scheme_to_document
from indicators.excel import SheetError, SheetErrors, layout
from indicators.models import AdjustmentItem, Indicator, Level, Scheme, TargetOverride
from indicators.validation import validate_scheme
from organizations.selectors import actor_for_user
from organizations.tenancy import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are compared in their English source form, whatever the catalogue holds."""
    with translation.override("en"):
        yield


def _indicator(category: str, code: str, name: str, points: str, method: str, **extra: Any) -> dict:
    return {
        "category": category, "code": code, "name": name, "description": "",
        "max_points": D(points), "method": method, "direction": "higher", "target": None,
        "floor": None, "unit": "", "community_types": [], "career_stages": [],
        "in_special_pool": False, "rater_groups": ["zuzhi"], "levels": [], "overrides": [],
        **extra,
    }  # fmt: skip


def _level(code: str, label: str, low: str, high: str, description: str) -> dict:
    return {
        "code": code, "label": label, "min_percent": D(low), "max_percent": D(high),
        "description": description,
    }  # fmt: skip


def _override(community_type: str, stage: str, target: str, floor: str | None) -> dict:
    return {
        "community_type": community_type, "career_stage": stage, "target": D(target),
        "floor": D(floor) if floor else None,
    }  # fmt: skip


def _adjustment(
    kind: str, code: str, name: str, points: str, cap: str | None, **extra: Any
) -> dict:
    return {
        "kind": kind, "code": code, "name": name, "description": "",
        "points_per_occurrence": D(points), "cap": D(cap) if cap else None, "indicator": None,
        **extra,
    }  # fmt: skip


def full_document(code: str = "shuji-2026") -> Document:
    """A scheme with every feature: all four methods, levels, overrides, applicability lists,
    a deduction taken from an indicator, a capped bonus, vetoes, the special pool, the 优秀
    quota and pay tiers. Lists are in the order ``scheme_to_document`` gives them."""
    return {
        "scheme": {
            "code": code, "name": "2026年度社区党组织书记考评方案", "year": 2026,
            "description": "按季度考评，年终汇总。\n第二行说明", "bonus_cap": D("5.00"),
            "deduction_cap": D("10.50"), "grade_excellent_min": D("90.00"),
            "grade_good_min": D("80.00"), "grade_pass_min": D("60.00"),
            "excellent_quota_percent": D("15.00"), "pay_tier_shares": [2, 6, 2],
            "special_indicator_limit": 2,
            "template_code": "",
        },
        "categories": [
            {"code": "jichu", "name": "基础指标", "weight": D("55.50"), "is_special": False},
            {"code": "fazhan", "name": "发展指标", "weight": D("34.50"), "is_special": False},
            {"code": "tese", "name": "特色指标", "weight": D("10.00"), "is_special": True},
        ],
        "rater_groups": [
            {"code": "zuzhi", "name": "组织评价", "kind": "organisation", "weight": D("50.00")},
            {"code": "zhuanjia", "name": "专家考评", "kind": "expert", "weight": D("20.00")},
            {"code": "qunzhong", "name": "群众评议", "kind": "residents", "weight": D("30.00")},
        ],
        "indicators": [
            _indicator(
                "jichu", "dangjian", "党建引领", "15.00", "qualitative",
                description="组织生活规范", rater_groups=["zuzhi", "zhuanjia"],
                levels=[
                    _level("A", "优", "90.00", "100.00", "按时高质量完成，有创新"),
                    _level("B", "良", "75.00", "90.00", "完成较好"),
                    _level("C", "中", "60.00", "75.00", "基本完成"),
                    _level("D", "差", "0.00", "60.00", "=未完成（以等号开头也是文字）"),
                ],
            ),
            _indicator(
                "jichu", "xinfang", "信访维稳", "10.00", "yes_no",
                community_types=["urban", "rural"],
            ),
            _indicator(
                "fazhan", "laji", "垃圾分类参与率", "20.00", "quantitative",
                description="入户核查", target=D("80.0000"), floor=D("40.5000"), unit="%",
                community_types=["urban", "mountain"], career_stages=["growth", "breakthrough"],
                rater_groups=["zuzhi", "qunzhong"],
                overrides=[
                    _override("", "adaptation", "70.0000", "30.0000"),
                    _override("mountain", "", "60.0000", None),
                    _override("rural", "adaptation", "55.2500", "20.0000"),
                ],
            ),
            _indicator(
                "fazhan", "tousu", "有效投诉件数", "9.50", "quantitative", direction="lower",
                target=D("2.0000"), floor=D("10.0000"), unit="件", career_stages=["adaptation"],
            ),
            _indicator(
                "fazhan", "manyi", "群众满意度", "20.50", "resident_rating",
                description="评议活动", rater_groups=["qunzhong"],
            ),
            _indicator(
                "tese", "yanglao", "嵌入式养老", "5.00", "yes_no",
                in_special_pool=True, rater_groups=["zhuanjia"],
            ),
            _indicator(
                "tese", "wuye", "红色物业", "5.00", "yes_no",
                in_special_pool=True, rater_groups=["zhuanjia"],
            ),
        ],
        "adjustments": [
            _adjustment(
                "bonus", "biaozhang", "省级以上表彰", "2.00", "4.00", description="凭表彰文件"
            ),
            _adjustment("bonus", "jingyan", "经验推广", "0.50", None),
            _adjustment(
                "deduction", "shangfang", "越级上访", "3.00", "6.00",
                description="每起", indicator="xinfang",
            ),
        ],
        "vetoes": [
            {"code": "shigu", "name": "重大安全责任事故", "description": "发生重大安全责任事故"},
            {"code": "weiji", "name": "严重违纪", "description": "受到党内严重警告以上处分"},
        ],
    }  # fmt: skip


@pytest.fixture
def actor(cast: Any) -> Actor:
    found = actor_for_user(cast.admin)
    assert found is not None
    return found


@pytest.fixture
def scheme(cast: Any, actor: Actor, as_tenant: Any) -> Scheme:
    with as_tenant(cast.tenant_a):
        return services.scheme_create_from_document(actor=actor, document=full_document())


def _without_code(document: Document) -> Document:
    return {**document, "scheme": {k: v for k, v in document["scheme"].items() if k != "code"}}


def _edit(data: bytes, edits: dict[str, dict[str, Any]]) -> bytes:
    """The workbook with cells changed: {sheet: {"B2": value}}."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for sheet, cells in edits.items():
        for ref, value in cells.items():
            wb[sheet][ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _counts(as_tenant: Any, tenant: Any) -> tuple[int, int, int, int, int]:
    with as_tenant(tenant):
        return (
            Scheme.objects.count(),
            Indicator.objects.count(),
            Level.objects.count(),
            TargetOverride.objects.count(),
            AdjustmentItem.objects.count(),
        )


def _where(
    exc: pytest.ExceptionInfo[SheetErrors],
) -> set[tuple[str | None, int | None, str | None]]:
    return {(e.sheet, e.row, e.column) for e in exc.value.errors}


# Round trips -------------------------------------------------------------------------------


def test_the_layout_covers_every_scheme_field() -> None:
    assert [c.key for c in layout.SCHEME_ITEMS] == SCHEME_FIELDS


def test_the_full_document_is_a_complete_scheme(cast: Any, as_tenant: Any, scheme: Scheme) -> None:
    with as_tenant(cast.tenant_a):
        assert validate_scheme(scheme) == []


def test_document_to_workbook_to_document_is_lossless() -> None:
    document = full_document()
    assert excel.workbook_to_document(excel.document_to_workbook(document)) == document


def test_a_stored_document_survives_the_workbook(cast: Any, as_tenant: Any, scheme: Scheme) -> None:
    with as_tenant(cast.tenant_a):
        stored = scheme_to_document(scheme)
    assert excel.workbook_to_document(excel.document_to_workbook(stored)) == stored


def test_export_then_import_as_a_new_code_loses_nothing(
    cast: Any, actor: Actor, as_tenant: Any, scheme: Scheme
) -> None:
    with as_tenant(cast.tenant_a):
        data = excel.export_scheme(scheme)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb["方案"]["A2"].value == "方案代码"
    changed = _edit(data, {"方案": {"B2": "shuji-2026-copy"}})
    with as_tenant(cast.tenant_a):
        copy = excel.import_scheme(actor=actor, data=changed)
        original_document = scheme_to_document(scheme)
        copy_document = scheme_to_document(copy)
        assert copy.code == "shuji-2026-copy"
        assert copy.state == Scheme.State.DRAFT
        assert copy.version == 1
        assert validate_scheme(copy) == []
    assert copy_document["scheme"]["code"] == "shuji-2026-copy"
    assert _without_code(copy_document) == _without_code(original_document)
    # And the stored copy is what the workbook said.
    assert _without_code(copy_document) == _without_code(full_document())


def test_the_workbook_is_laid_out_for_people() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(excel.document_to_workbook(full_document())))
    assert wb.sheetnames == [
        "方案",
        "类别",
        "评价主体",
        "指标",
        "等级",
        "差异化目标",
        "加扣分",
        "一票否决",
    ]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert all(cell.font.bold for cell in ws[1] if cell.value)
        assert ws.column_dimensions["A"].width >= 8
    indicators = wb["指标"]
    headers = [cell.value for cell in indicators[1]]
    assert headers[:6] == ["类别代码", "代码", "名称", "说明", "分值", "评分方法"]
    row = {h: cell.value for h, cell in zip(headers, indicators[4], strict=True)}
    assert row["代码"] == "laji"
    assert row["评分方法"] == "quantitative"
    assert row["分值"] == 20  # a number, not text
    assert row["评价主体"] == "zuzhi、qunzhong"
    assert row["适用社区类型"] == "urban,mountain"
    assert row["适用职业阶段"] == "growth,breakthrough"
    # Text that starts with "=" stays text, never a formula.
    levels = wb["等级"]
    assert levels["F5"].value.startswith("=") and levels["F5"].data_type == "s"


def test_labels_and_aliases_are_read_as_codes() -> None:
    data = excel.document_to_workbook(full_document())
    edited = _edit(
        data,
        {
            "指标": {"F4": "定量", "G5": "Lower is better", "L4": "城市，山区", "M5": "适应期"},
            "评价主体": {"C3": "专家"},
            "加扣分": {"A2": "加分"},
            "类别": {"D4": "yes"},
        },
    )
    assert excel.workbook_to_document(edited) == full_document()


def test_a_blank_direction_and_rater_kind_take_the_defaults() -> None:
    data = excel.document_to_workbook(full_document())
    document = excel.workbook_to_document(
        _edit(data, {"指标": {"G2": None}, "评价主体": {"C2": None}})
    )
    assert document["indicators"][0]["direction"] == "higher"
    assert document["rater_groups"][0]["kind"] == "organisation"


# Bad workbooks -----------------------------------------------------------------------------


def test_every_problem_is_reported_and_nothing_is_saved(
    cast: Any, actor: Actor, as_tenant: Any, scheme: Scheme
) -> None:
    with as_tenant(cast.tenant_a):
        data = excel.export_scheme(scheme)
    bad = _edit(
        data,
        {
            "方案": {"B2": "new-code", "B4": "二〇二六"},
            "类别": {"A3": "jichu"},  # a duplicate code
            "评价主体": {"D2": D("12.345")},  # too many decimal places
            "指标": {
                "E2": "十五分",  # not a number
                "F3": "guess",  # an unknown method
                "A4": "nope",  # an unknown category
                "K5": "zuzhi、ghost",  # an unknown rater group
                "E6": 0,  # max points must be above 0
            },
            "等级": {"A2": "ghost"},  # an unknown indicator
            "差异化目标": {"B2": "desert"},  # an unknown community type
            "加扣分": {"G4": "nowhere", "E2": None},  # unknown indicator; a required cell
            "一票否决": {"B2": None, "C3": "   "},  # required cells
        },
    )
    before = _counts(as_tenant, cast.tenant_a)
    with as_tenant(cast.tenant_a), pytest.raises(SheetErrors) as exc:
        excel.import_scheme(actor=actor, data=bad)
    assert _counts(as_tenant, cast.tenant_a) == before

    where = _where(exc)
    expected = {
        ("方案", 4, "年度"),
        ("类别", 3, "代码"),
        ("评价主体", 2, "权重（%）"),
        ("指标", 2, "分值"),
        ("指标", 3, "评分方法"),
        ("指标", 4, "类别代码"),
        ("指标", 5, "评价主体"),
        ("指标", 6, "分值"),
        ("等级", 2, "指标代码"),
        ("差异化目标", 2, "社区类型"),
        ("加扣分", 4, "扣减指标代码"),
        ("加扣分", 2, "每次分值"),
        ("一票否决", 2, "名称"),
        ("一票否决", 3, "说明"),
    }
    assert expected <= where, expected - where
    messages = {(e.sheet, e.row, e.column): e.message for e in exc.value.errors}
    assert messages[("指标", 2, "分值")] == "Not a number: 十五分"
    assert "guess" in messages[("指标", 3, "评分方法")]
    assert "nope" in messages[("指标", 4, "类别代码")]
    assert "ghost" in messages[("指标", 5, "评价主体")]
    assert "zuzhi" not in messages[("指标", 5, "评价主体")]
    assert "ghost" in messages[("等级", 2, "指标代码")]
    assert "row 2" in messages[("类别", 3, "代码")]
    assert all(isinstance(e.message, str) and e.message for e in exc.value.errors)
    # Each problem says where it is when printed.
    assert "指标 / row 2 / 分值: Not a number: 十五分" in str(exc.value)


def test_missing_sheets_and_columns_are_reported(cast: Any, actor: Actor, as_tenant: Any) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(excel.document_to_workbook(full_document())))
    del wb["一票否决"]
    wb["指标"]["E1"] = "满分"  # an unknown header, and so 分值 is missing
    wb["类别"]["E1"] = "备注"  # another unknown header
    wb["等级"]["B1"] = "名称"  # unknown in 等级
    out = io.BytesIO()
    wb.save(out)
    before = _counts(as_tenant, cast.tenant_a)
    with as_tenant(cast.tenant_a), pytest.raises(SheetErrors) as exc:
        excel.import_scheme(actor=actor, data=out.getvalue())
    assert _counts(as_tenant, cast.tenant_a) == before
    where = _where(exc)
    assert ("一票否决", None, None) in where
    assert {("指标", 1, "满分"), ("指标", 1, "分值"), ("类别", 1, "备注")} <= where
    assert {("等级", 1, "名称"), ("等级", 1, "等级代码")} <= where
    # A missing column in a sheet does not flood the sheets that refer to it.
    assert not any(e.sheet == "指标" and e.row and e.row > 1 for e in exc.value.errors)


def test_a_duplicate_level_or_override_is_reported() -> None:
    data = excel.document_to_workbook(full_document())
    # Row 3 of 等级 is dangjian's level B; row 3 of 差异化目标 is laji's (mountain, any stage)
    # and row 2 laji's (any type, adaptation).
    bad = _edit(data, {"等级": {"B3": "A"}, "差异化目标": {"B3": None, "C3": "adaptation"}})
    with pytest.raises(SheetErrors) as exc:
        excel.workbook_to_document(bad)
    assert _where(exc) == {("等级", 3, "等级代码"), ("差异化目标", 3, "社区类型")}


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"code,name\nx,y\n",
        "方案,类别".encode(),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,  # an old .xls (OLE) header
    ],
    ids=["empty", "csv", "text", "xls"],
)
def test_a_file_that_is_not_an_xlsx_is_refused(
    cast: Any, actor: Actor, as_tenant: Any, data: bytes
) -> None:
    before = _counts(as_tenant, cast.tenant_a)
    with as_tenant(cast.tenant_a), pytest.raises(SheetErrors) as exc:
        excel.import_scheme(actor=actor, data=data)
    assert _counts(as_tenant, cast.tenant_a) == before
    assert exc.value.errors == [
        SheetError(None, None, None, "The file is not an Excel workbook (.xlsx).")
    ]


def _damaged() -> bytes:
    """A real workbook whose 指标 sheet is not XML."""
    source = zipfile.ZipFile(io.BytesIO(excel.document_to_workbook(full_document())))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in source.namelist():
            damaged = name == "xl/worksheets/sheet4.xml"
            archive.writestr(name, b"<sheetData><row" if damaged else source.read(name))
    return out.getvalue()


def _a_plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return out.getvalue()


@pytest.mark.parametrize("make", [_a_plain_zip, _damaged], ids=["plain-zip", "damaged-sheet"])
def test_a_zip_that_is_not_a_readable_workbook_is_refused(make: Any) -> None:
    with pytest.raises(SheetErrors) as exc:
        excel.workbook_to_document(make())
    assert [e.message for e in exc.value.errors] == ["The file is not an Excel workbook (.xlsx)."]


def test_a_taken_code_is_reported_on_the_scheme_sheet(
    cast: Any, actor: Actor, as_tenant: Any, scheme: Scheme
) -> None:
    with as_tenant(cast.tenant_a):
        data = excel.export_scheme(scheme)
    before = _counts(as_tenant, cast.tenant_a)
    with as_tenant(cast.tenant_a), pytest.raises(SheetErrors) as exc:
        excel.import_scheme(actor=actor, data=data)
    assert _counts(as_tenant, cast.tenant_a) == before
    assert _where(exc) == {("方案", 2, "方案代码")}
    assert "shuji-2026" in exc.value.errors[0].message


def test_the_other_tenant_may_use_the_same_code(cast: Any, as_tenant: Any, scheme: Scheme) -> None:
    with as_tenant(cast.tenant_a):
        data = excel.export_scheme(scheme)
    actor_b = actor_for_user(cast.admin_b)
    assert actor_b is not None
    with as_tenant(cast.tenant_b):
        imported = excel.import_scheme(actor=actor_b, data=data)
        assert imported.tenant_id == cast.tenant_b.pk
        assert _without_code(scheme_to_document(imported)) == _without_code(full_document())


def test_only_an_admin_may_import(cast: Any, as_tenant: Any) -> None:
    assessor = actor_for_user(cast.assessor)
    assert assessor is not None
    data = excel.document_to_workbook(full_document())
    before = _counts(as_tenant, cast.tenant_a)
    with as_tenant(cast.tenant_a), pytest.raises(PermissionDenied):
        excel.import_scheme(actor=assessor, data=data)
    assert _counts(as_tenant, cast.tenant_a) == before
