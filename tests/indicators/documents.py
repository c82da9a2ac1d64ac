"""A small, valid scheme document for tests that need a scheme but not a template."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any


def small_document(code: str = "small", year: int = 2026) -> dict[str, Any]:
    return {
        "scheme": {"code": code, "name": "测试方案", "year": year, "bonus_cap": D(5), "deduction_cap": D(10)},
        "categories": [
            {"code": "jichu", "name": "基础指标", "weight": D(60), "is_special": False},
            {"code": "fazhan", "name": "发展指标", "weight": D(40), "is_special": False},
        ],
        "rater_groups": [
            {"code": "zuzhi", "name": "组织评价", "kind": "organisation", "weight": D(70)},
            {"code": "qunzhong", "name": "群众评议", "kind": "residents", "weight": D(30)},
        ],
        "indicators": [
            {
                "category": "jichu", "code": "dangjian", "name": "党建工作", "max_points": D(10),
                "method": "qualitative", "rater_groups": ["zuzhi"],
                "levels": [
                    {"code": "A", "label": "优", "min_percent": D(90), "max_percent": D(100), "description": "按时高质量完成"},
                    {"code": "B", "label": "良", "min_percent": D(75), "max_percent": D(90), "description": "完成较好"},
                    {"code": "C", "label": "中", "min_percent": D(60), "max_percent": D(75), "description": "基本完成"},
                    {"code": "D", "label": "差", "min_percent": D(0), "max_percent": D(60), "description": "未完成"},
                ],
            },
            {
                "category": "jichu", "code": "xinfang", "name": "信访维稳", "max_points": D(10),
                "method": "yes_no", "rater_groups": ["zuzhi"],
            },
            {
                "category": "fazhan", "code": "laji", "name": "垃圾分类参与率", "max_points": D(20),
                "method": "quantitative", "direction": "higher", "target": D(80), "unit": "%",
                "rater_groups": ["zuzhi", "qunzhong"],
                "overrides": [{"community_type": "rural", "career_stage": "", "target": D(60), "floor": None}],
            },
        ],
        "adjustments": [
            {"kind": "bonus", "code": "biaozhang", "name": "省级以上表彰", "points_per_occurrence": D(2), "cap": D(4)},
            {"kind": "deduction", "code": "shangfang", "name": "越级上访", "points_per_occurrence": D(3), "cap": None, "indicator": "xinfang"},
        ],
        "vetoes": [{"code": "shigu", "name": "重大安全责任事故", "description": "发生重大安全责任事故"}],
    }  # fmt: skip
