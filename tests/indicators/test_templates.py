"""The built-in templates: each one is a scheme a tenant admin can start from, publish and
score with, and each one is shaped as the field describes it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators import engine
from indicators.documents import scheme_to_document
from indicators.models import Scheme
from indicators.selectors import scheme_spec
from indicators.services import scheme_create_from_document, scheme_publish
from indicators.templates import TEMPLATES, template_document
from indicators.validation import validate_scheme
from organizations.selectors import actor_for_user

D = Decimal
CODES = sorted(TEMPLATES)

# The weights the templates promise: (category name, weight) and (group name, kind, weight).
CATEGORIES = {
    "jichu-fazhan-tese": [("基础指标", D(40)), ("发展指标", D(30)), ("特色指标", D(30))],
    "chengxiao-dangjian-manyi": [("工作成效", D(45)), ("党建成效", D(40)), ("满意度", D(15))],
    "sige-weidu": [
        ("党建与组织建设", D(25)),
        ("社区治理与民生服务", D(35)),
        ("重点工作与创新", D(25)),
        ("廉政与履职", D(15)),
    ],
}
GROUPS = {
    "jichu-fazhan-tese": [
        ("组织评价", "organisation", D(50)),
        ("群众评议", "residents", D(30)),
        ("专家考评", "expert", D(20)),
    ],
    "chengxiao-dangjian-manyi": [
        ("街道组织考评", "organisation", D(50)),
        ("县直部门提级考评", "organisation", D(30)),
        ("群众评议", "residents", D(20)),
    ],
    "sige-weidu": [
        ("自我检评", "self", D(10)),
        ("目标量评", "organisation", D(50)),
        ("组织考评", "organisation", D(40)),
    ],
}


def _create(cast, as_tenant, code: str) -> Scheme:
    actor = actor_for_user(cast.admin)
    document = template_document(code, scheme_code=f"from-{code}", year=2026)
    with as_tenant(cast.tenant_a):
        return scheme_create_from_document(actor=actor, document=document)


@pytest.mark.parametrize("code", CODES)
def test_a_template_instantiates_validates_publishes_and_compiles(cast, as_tenant, code):
    actor = actor_for_user(cast.admin)
    scheme = _create(cast, as_tenant, code)
    with as_tenant(cast.tenant_a):
        assert validate_scheme(scheme) == []
        scheme_publish(actor=actor, scheme=scheme)
        scheme.refresh_from_db()
        assert scheme.state == Scheme.State.PUBLISHED
        spec = scheme_spec(scheme=scheme)
    compiled = engine.compile_scheme(spec)
    # Every community type and career stage can be scored: no category is left without an
    # indicator by the type-only indicators.
    assert {ctx: plan.error for ctx, plan in compiled.contexts.items() if plan.error} == {}


@pytest.mark.parametrize("code", CODES)
def test_a_template_round_trips_through_the_database_unchanged(cast, as_tenant, code):
    """The templates are in exactly the format scheme_to_document produces."""
    scheme = _create(cast, as_tenant, code)
    expected = template_document(code, scheme_code=f"from-{code}", year=2026)
    with as_tenant(cast.tenant_a):
        stored = scheme_to_document(scheme)
    assert stored == expected


def test_a_scheme_made_from_a_template_records_the_template(cast, as_tenant):
    scheme = _create(cast, as_tenant, "sige-weidu")
    assert scheme.template_code == "sige-weidu"


def test_the_special_pool_template_compiles_with_the_choice_of_five(cast, as_tenant):
    scheme = _create(cast, as_tenant, "jichu-fazhan-tese")
    pool = [i for i in TEMPLATES["jichu-fazhan-tese"]["indicators"] if i["in_special_pool"]]
    chosen = [i["code"] for i in pool[:5]]
    with as_tenant(cast.tenant_a):
        spec = scheme_spec(scheme=scheme, special_codes=chosen)
    compiled = engine.compile_scheme(spec)
    special = next(c for c in spec.categories if c.code == "tese")
    assert [i.code for i in special.indicators] == chosen
    # Five pool indicators of 6 points each: the category is out of 30, its weight.
    plan = compiled.contexts[(engine.CommunityType.URBAN, engine.CareerStage.GROWTH)]
    assert next(c for c in plan.categories if c.spec.code == "tese").max_points == D(30)


def test_template_document_fills_in_the_scheme_and_returns_a_copy():
    document = template_document("sige-weidu", scheme_code="street-2026", year=2027)
    head = document["scheme"]
    assert (head["code"], head["year"], head["template_code"]) == (
        "street-2026",
        2027,
        "sige-weidu",
    )
    assert head["name"] == TEMPLATES["sige-weidu"]["scheme"]["name"]
    named = template_document("sige-weidu", scheme_code="x", year=2027, name="甲街道 2027 年考核")
    assert named["scheme"]["name"] == "甲街道 2027 年考核"

    document["indicators"][0]["levels"].append({"code": "extra"})
    document["categories"][0]["weight"] = D(99)
    assert TEMPLATES["sige-weidu"]["categories"][0]["weight"] == D(25)
    assert all(
        level["code"] != "extra"
        for i in TEMPLATES["sige-weidu"]["indicators"]
        for level in i["levels"]
    )
    assert "template_code" not in TEMPLATES["sige-weidu"]["scheme"]

    with pytest.raises(KeyError):
        template_document("no-such-template", scheme_code="x", year=2026)


@pytest.mark.parametrize("code", CODES)
def test_a_template_has_the_weights_of_the_field(code):
    document = TEMPLATES[code]
    assert [(c["name"], c["weight"]) for c in document["categories"]] == CATEGORIES[code]
    assert [(g["name"], g["kind"], g["weight"]) for g in document["rater_groups"]] == GROUPS[code]


def test_the_four_dimension_template_keeps_its_weights_inside_the_field_ranges():
    ranges = [(D(20), D(25)), (D(30), D(40)), (D(20), D(30)), (D(10), D(15))]
    weights = [c["weight"] for c in TEMPLATES["sige-weidu"]["categories"]]
    assert sum(weights) == D(100)
    assert all(low <= w <= high for w, (low, high) in zip(weights, ranges, strict=True))


def test_the_default_template_has_a_special_pool_to_choose_five_from():
    document = TEMPLATES["jichu-fazhan-tese"]
    special = [c["code"] for c in document["categories"] if c["is_special"]]
    assert special == ["tese"]
    in_category = [i for i in document["indicators"] if i["category"] == "tese"]
    assert len(in_category) == 8
    assert all(i["in_special_pool"] for i in in_category)
    assert not any(i["in_special_pool"] for i in document["indicators"] if i["category"] != "tese")
    assert document["scheme"]["special_indicator_limit"] == 5


@pytest.mark.parametrize("code", CODES)
def test_a_template_mixes_methods_differentiation_and_adjustments(code):
    document = TEMPLATES[code]
    indicators = document["indicators"]
    assert 10 <= len(indicators) <= 20
    assert {i["method"] for i in indicators} == {
        "quantitative",
        "qualitative",
        "yes_no",
        "resident_rating",
    }
    for indicator in indicators:
        assert indicator["rater_groups"], indicator["code"]
        if indicator["method"] == "quantitative":
            assert indicator["target"] is not None and indicator["unit"], indicator["code"]
        if indicator["method"] == "qualitative":
            labels = [level["label"] for level in indicator["levels"]]
            assert labels == ["优", "良", "中", "差"], indicator["code"]
            assert all(level["description"] for level in indicator["levels"])
    assert {i["direction"] for i in indicators if i["method"] == "quantitative"} >= {"higher"}
    overrides = [o for i in indicators for o in i["overrides"]]
    assert any(o["community_type"] for o in overrides)
    assert any(o["career_stage"] for o in overrides)
    assert any(i["community_types"] for i in indicators)

    items = document["adjustments"]
    bonuses = [a for a in items if a["kind"] == "bonus"]
    deductions = [a for a in items if a["kind"] == "deduction"]
    assert bonuses and all(a["cap"] is not None for a in items)
    assert any(a["indicator"] for a in deductions)
    assert any(a["indicator"] is None for a in deductions)
    sheng = next(a for a in bonuses if a["code"] == "sheng-biaozhang")
    assert (sheng["points_per_occurrence"], sheng["cap"]) == (D(2), D(4))
    head = document["scheme"]
    assert (head["bonus_cap"], head["deduction_cap"]) == (D(5), D(10))
    assert (head["grade_excellent_min"], head["grade_good_min"], head["grade_pass_min"]) == (
        D(90),
        D(80),
        D(60),
    )
    assert head["excellent_quota_percent"] == D(20)
    assert {v["name"] for v in document["vetoes"]} >= {
        "发生重大安全责任事故",
        "违反廉洁纪律受到党纪处分",
        "考核中弄虚作假",
    }
    assert all(v["description"] for v in document["vetoes"])


def test_some_template_sets_forced_pay_tiers():
    assert [code for code in CODES if TEMPLATES[code]["scheme"]["pay_tier_shares"] == [2, 6, 2]]


@pytest.mark.parametrize("code", CODES)
def test_a_template_scores_100_at_full_marks_in_every_context(cast, as_tenant, code):
    """Type-only indicators come in pairs of equal points, so a category's maximum is the
    same for urban, rural and mountain communities."""
    scheme = _create(cast, as_tenant, code)
    with as_tenant(cast.tenant_a):
        spec = scheme_spec(scheme=scheme, special_codes=_first_five_special(code))
    compiled = engine.compile_scheme(spec)
    for (community_type, stage), plan in compiled.contexts.items():
        for category in plan.categories:
            assert category.max_points == category.spec.weight, (community_type, category.spec.code)
        entries = []
        for category in plan.categories:
            for indicator in category.indicators:
                for group in indicator.groups:
                    full = indicator.target if indicator.target is not None else group.hi
                    entries.append(
                        engine.EntryInput(f"{group.key}", *group.key, rater_id=1, value=full)
                    )
        subject = engine.SubjectInput(1, community_type, stage, entries=tuple(entries))
        result = engine.score(compiled, subject)
        assert result.total == D("100.00"), (code, community_type, stage)
        assert result.grade is engine.Grade.EXCELLENT


def _first_five_special(code: str) -> list[str] | None:
    pool = [i["code"] for i in TEMPLATES[code]["indicators"] if i["in_special_pool"]]
    return pool[:5] if pool else None
