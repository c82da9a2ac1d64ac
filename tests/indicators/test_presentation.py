"""Every rule the engine can emit has a sentence, in both languages."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation

from indicators import engine
from indicators.presentation import result_to_dict, rule_sentence
from tests.indicators.documents import small_document


def _walk(node: dict) -> list[dict]:
    return [node, *[n for child in node["children"] for n in _walk(child)]]


def _spec() -> engine.SchemeSpec:
    # Build the engine spec straight from the small document: the presentation layer needs
    # no database to be tested.
    doc = small_document()
    groups = tuple(
        engine.RaterGroupSpec(g["code"], g["name"], g["weight"]) for g in doc["rater_groups"]
    )
    categories = []
    for c in doc["categories"]:
        indicators = []
        for i in (i for i in doc["indicators"] if i["category"] == c["code"]):
            indicators.append(
                engine.IndicatorSpec(
                    code=i["code"], name=i["name"], max_points=i["max_points"], method=engine.Method(i["method"]),
                    group_codes=tuple(i["rater_groups"]), target=i.get("target"),
                    levels=tuple(
                        engine.LevelSpec(lv["code"], lv["label"], lv["min_percent"], lv["max_percent"])
                        for lv in i.get("levels", [])
                    ),
                )
            )  # fmt: skip
        categories.append(engine.CategorySpec(c["code"], c["name"], c["weight"], tuple(indicators)))
    items = [
        engine.AdjustmentItemSpec(a["code"], a["name"], engine.AdjustmentKind(a["kind"]), a["points_per_occurrence"], a.get("cap"), a.get("indicator"))
        for a in doc["adjustments"]
    ]  # fmt: skip
    return engine.SchemeSpec(
        categories=tuple(categories), rater_groups=groups,
        bonus_items=tuple(i for i in items if i.kind == "bonus"),
        deduction_items=tuple(i for i in items if i.kind == "deduction"),
        veto_items=(engine.VetoItemSpec("shigu", "重大安全责任事故", "x"),), bonus_cap=Decimal(3),
    )  # fmt: skip


def _result() -> engine.Result:
    entries = [
        engine.EntryInput(1, "dangjian", "zuzhi", 7, Decimal(85)),
        engine.EntryInput(2, "xinfang", "zuzhi", 7, Decimal(1)),
        engine.EntryInput(3, "laji", "zuzhi", 7, Decimal(70)),
    ]  # the residents' entry for 垃圾分类 is missing
    subject = engine.SubjectInput(
        subject_id=1, community_type=engine.CommunityType.URBAN, career_stage=engine.CareerStage.GROWTH,
        entries=tuple(entries),
        adjustments=(engine.AdjustmentInput(1, "biaozhang", 3), engine.AdjustmentInput(2, "shangfang", 5)),
        vetoes=(engine.VetoInput(1, "shigu"),),
    )  # fmt: skip
    return engine.score(engine.compile_scheme(_spec()), subject)


def test_every_node_gets_a_sentence_in_both_languages() -> None:
    result = _result()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            nodes = _walk(result_to_dict(result)["explanation"])
        rules = {n["rule"] for n in nodes}
        assert {
            "total",
            "category_weight",
            "qualitative",
            "missing_entry",
            "veto",
            "deduction_floor",
        } <= rules
        silent = [n["rule"] for n in nodes if not n["sentence"]]
        assert silent == [], f"{language}: no sentence for {silent}"


def test_sentences_carry_the_numbers() -> None:
    with translation.override("en"):
        nodes = {n["rule"]: n for n in _walk(result_to_dict(_result())["explanation"])}
    assert nodes["qualitative"]["sentence"] == "Level 良, 85% of the points."
    assert "stops at zero" in nodes["deduction_floor"]["sentence"]
    assert "limited to the item's cap of 4" in nodes["bonus_item_cap"]["sentence"]


def test_unknown_rules_say_nothing_rather_than_a_code() -> None:
    node = engine.ExplanationNode(
        engine.NodeKind.ENTRY, "x", "x", Decimal(0), Decimal(0), "no_such_rule", {}
    )
    assert rule_sentence(node) == ""
