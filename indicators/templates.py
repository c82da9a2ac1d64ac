"""The built-in scheme templates (方案模板), as scheme documents.

Each template is a document in the format of ``indicators.documents`` (what
``scheme_to_document`` produces), so a tenant admin starts a scheme from one exactly as from
a copy or an Excel sheet: ``scheme_create_from_document(actor=..., document=
template_document(code, scheme_code=..., year=...))``.

The indicators, weights, bonus and deduction items and vetoes come from the field (see
/work/shared/domain): the three-part system 基础 40 / 发展 30 / 特色 30 with 组织评价 /
群众评议 / 专家考评; 修水县's "三张考卷" 工作成效 45 / 党建成效 40 / 满意度 15; and the
four dimensions 党建 / 治理与民生 / 重点工作与创新 / 廉政与履职 rated by 自我检评 10 /
目标量评 50 / 组织考评 40. They are defaults to edit, not rules.

A target override with no zero-point value falls back to the direction's default (0 for
higher-is-better, twice the target for lower-is-better), not to the indicator's own floor,
so every override below repeats the floor it means.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from indicators.documents import Document

D = Decimal

# Behaviourally anchored levels: the share of the points each level covers. They cover
# 0-100 % with no gap; a rater picks the level by the behaviour observed and a percent in it.
LEVEL_BANDS = (
    ("excellent", "优", D("90"), D("100")),
    ("good", "良", D("75"), D("90")),
    ("fair", "中", D("60"), D("75")),
    ("poor", "差", D("0"), D("60")),
)


def _levels(excellent: str, good: str, fair: str, poor: str) -> list[dict[str, Any]]:
    descriptions = (excellent, good, fair, poor)
    return [
        {
            "code": code,
            "label": label,
            "min_percent": low,
            "max_percent": high,
            "description": description,
        }
        for (code, label, low, high), description in zip(LEVEL_BANDS, descriptions, strict=True)
    ]


def _override(
    target: str, floor: str | None = None, *, community_type: str = "", career_stage: str = ""
) -> dict[str, Any]:
    return {
        "community_type": community_type,
        "career_stage": career_stage,
        "target": D(target),
        "floor": D(floor) if floor is not None else None,
    }


def _indicator(
    category: str,
    code: str,
    name: str,
    description: str,
    max_points: str,
    method: str,
    groups: list[str],
    *,
    direction: str = "higher",
    target: str | None = None,
    floor: str | None = None,
    unit: str = "",
    levels: list[dict[str, Any]] | None = None,
    overrides: list[dict[str, Any]] | None = None,
    community_types: list[str] | None = None,
    career_stages: list[str] | None = None,
    in_special_pool: bool = False,
) -> dict[str, Any]:
    return {
        "category": category,
        "code": code,
        "name": name,
        "description": description,
        "max_points": D(max_points),
        "method": method,
        "direction": direction,
        "target": D(target) if target is not None else None,
        "floor": D(floor) if floor is not None else None,
        "unit": unit,
        "community_types": list(community_types or []),
        "career_stages": list(career_stages or []),
        "in_special_pool": in_special_pool,
        "rater_groups": list(groups),
        "levels": list(levels or []),
        # In the order scheme_to_document lists them: by (community type, career stage).
        "overrides": sorted(
            overrides or [], key=lambda o: (o["community_type"], o["career_stage"])
        ),
    }


def _quantitative(
    category: str,
    code: str,
    name: str,
    description: str,
    max_points: str,
    groups: list[str],
    *,
    target: str,
    unit: str,
    **options: Any,
) -> dict[str, Any]:
    return _indicator(
        category,
        code,
        name,
        description,
        max_points,
        "quantitative",
        groups,
        target=target,
        unit=unit,
        **options,
    )


def _qualitative(
    category: str,
    code: str,
    name: str,
    description: str,
    max_points: str,
    groups: list[str],
    levels: list[dict[str, Any]],
    **options: Any,
) -> dict[str, Any]:
    return _indicator(
        category,
        code,
        name,
        description,
        max_points,
        "qualitative",
        groups,
        levels=levels,
        **options,
    )


def _yes_no(
    category: str,
    code: str,
    name: str,
    description: str,
    max_points: str,
    groups: list[str],
    **options: Any,
) -> dict[str, Any]:
    return _indicator(category, code, name, description, max_points, "yes_no", groups, **options)


def _resident_rating(
    category: str, code: str, name: str, description: str, max_points: str, groups: list[str]
) -> dict[str, Any]:
    return _indicator(
        category, code, name, description, max_points, "resident_rating", groups, unit="分"
    )


def _adjustment(
    kind: str,
    code: str,
    name: str,
    description: str,
    points: str,
    cap: str | None,
    indicator: str | None = None,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "code": code,
        "name": name,
        "description": description,
        "points_per_occurrence": D(points),
        "cap": D(cap) if cap is not None else None,
        "indicator": indicator,
    }


def _veto(code: str, name: str, description: str) -> dict[str, str]:
    return {"code": code, "name": name, "description": description}


def _head(name: str, description: str, **fields: Any) -> dict[str, Any]:
    head: dict[str, Any] = {
        "code": "",
        "name": name,
        "year": 2026,
        "description": description,
        "bonus_cap": D("5"),
        "deduction_cap": D("10"),
        "grade_excellent_min": D("90"),
        "grade_good_min": D("80"),
        "grade_pass_min": D("60"),
        "excellent_quota_percent": D("20"),
        "pay_tier_shares": [],
        "special_indicator_limit": 5,
    }
    head.update(fields)
    return head


# Level descriptions shared by the templates ------------------------------------------------

XINFANG_LEVELS = _levels(
    "建立矛盾纠纷排查台账并每月更新，问题在网格内发现、在社区化解；全年无越级上访、"
    "无群体性事件，重点人员稳控措施落实到人。",
    "按月开展排查，多数矛盾纠纷在社区层面化解；信访件均按期答复，群众基本认可。",
    "排查不够经常，台账记录不全；部分纠纷需街道介入才化解，信访件答复存在超期。",
    "未建立排查台账或流于形式；矛盾纠纷久拖不决，出现重复访、越级访，或群体性事件苗头未及时报告。",
)
TEBIE_LEVELS = _levels(
    "独居、失能老人和留守儿童等特殊群体“一人一档”全覆盖并动态更新；定期上门探访有记录，"
    "应急呼叫等保障措施落实，惠民政策应享尽享。",
    "建档覆盖绝大多数特殊群体，探访基本按计划开展，个别档案更新滞后。",
    "建档不全，探访不定期，主要靠群众上门求助后被动响应。",
    "未建立特殊群体台账，或发生因帮扶缺位引发的负面事件。",
)
PINPAI_LEVELS = _levels(
    "党建品牌主题清晰、载体健全，与社区治理难题结合并取得可核实的成效"
    "（如解决问题件数、群众参与人次），经验被上级推广。",
    "品牌载体健全、活动常态开展，成效有记录，但尚未形成可推广的经验。",
    "有品牌名称和零散活动，与社区实际需求结合不紧。",
    "只有名称或展板而无实际活动，或活动台账与实际不符。",
)
DANGYUAN_LEVELS = _levels(
    "党员发展程序规范、材料完整；党员亮身份、认领服务岗位，参与率高；"
    "流动党员和老年党员有专人联系。",
    "发展程序规范，党员教育按计划开展，多数党员参与社区服务。",
    "发展材料有缺漏需补正，党员教育以集中学习为主，参与面不广。",
    "发展程序违规，或党员长期不参加组织生活而无人过问。",
)
YIJIAN_LEVELS = _levels(
    "楼栋、社区、重大事项三级议事会按期召开，议题由居民提出，决议公开并跟踪落实，落实率高。",
    "议事会基本按期召开，决议多数落实，落实情况向居民公开。",
    "议事会召开不规律，议题多由社区指定，决议落实缺少跟踪。",
    "未开展议事协商，或以通知代替协商，重大事项未经居民讨论。",
)
GONGXIANG_LEVELS = _levels(
    "闲置空间改造为居民常用场所（如四点半课堂、共享菜园），居民参与设计和运营，"
    "使用情况有记录且使用率高。",
    "完成改造并投入使用，有管理制度，但居民参与较少。",
    "改造完成但使用不多，或日常管理缺位。",
    "未实施，或改造后长期闲置。",
)
SHUZI_LEVELS = _levels(
    "智慧平台（民情直报、网格事件）常态使用，事件全程留痕，数据用于发现需求并调整服务。",
    "平台按要求使用，数据录入及时，尚未用于分析决策。",
    "平台使用不连续，部分事件仍靠纸质台账，数据重复录入。",
    "平台基本未使用，或数据失真。",
)
SANZHI_LEVELS = _levels(
    "法治课堂、德治讲堂、自治议事厅常态运行，用于化解具体纠纷并留有案例记录。",
    "三个平台均已建立并定期活动，案例积累不多。",
    "只有部分平台运行，活动以宣传为主。",
    "未建立，或仅挂牌。",
)
YINGJI_LEVELS = _levels(
    "应急预案健全并定期演练；突发事件按规定时限报告，到场处置迅速，事后复盘整改。",
    "预案健全，演练按计划开展，报告和处置基本及时。",
    "预案陈旧或演练走过场，处置依赖上级指挥。",
    "无预案，或突发事件迟报、漏报、处置不当。",
)
ZUOFENG_LEVELS = _levels(
    "坚持首问负责和坐班值守，群众办事一次办结，无“门难进、脸难看、事难办”投诉，主动公开权力运行。",
    "坐班值守落实，群众反映的问题按时答复，偶有投诉经查无责。",
    "值守时有空岗，办事需多次往返，存在查实的作风类投诉。",
    "推诿扯皮、态度生硬，多次被查实“门难进、事难办”，或存在优亲厚友。",
)

# Items several templates share ---------------------------------------------------------------

VETOES = [
    _veto(
        "zhongda-anquan-shigu",
        "发生重大安全责任事故",
        "辖区内发生经认定社区负有责任的重大安全生产、消防或燃气事故，凭事故调查报告认定。",
    ),
    _veto(
        "weifan-lianjie-jilv",
        "违反廉洁纪律受到党纪处分",
        "社区书记在考核年度内因违反廉洁纪律受到党纪处分（警告及以上），"
        "凭纪检监察机关处分决定认定。",
    ),
    _veto(
        "nongxu-zuojia",
        "考核中弄虚作假",
        "在考核材料、台账或数据中编造、篡改或组织他人代为评价，经核查属实。",
    ),
    _veto(
        "zhongda-qunti-shijian",
        "发生重大群体性事件",
        "因工作失职引发重大群体性事件或进京、赴省非正常上访，造成严重不良影响，凭上级通报认定。",
    ),
]


def _common_adjustments(xinfang_indicator: str) -> list[dict[str, Any]]:
    """The bonus and deduction items every template carries; bonuses first, as stored."""
    return [
        _adjustment(
            "bonus",
            "sheng-biaozhang",
            "获省级以上表彰",
            "社区或书记本人获省级以上党委、政府表彰，每项加 2 分，最多加 4 分；凭表彰文件。",
            "2",
            "4",
        ),
        _adjustment(
            "bonus",
            "shi-biaozhang",
            "获市级表彰或经验被推广",
            "获市级表彰，或工作经验被市级以上部门发文推广，每项加 1 分，最多加 3 分。",
            "1",
            "3",
        ),
        _adjustment(
            "deduction",
            "yueji-shangfang",
            "越级上访",
            "辖区群众因社区工作问题越级到镇（街道）以上上访，每起扣 3 分，"
            "从信访维稳指标中扣除，扣完为止；凭信访部门登记。",
            "3",
            "6",
            xinfang_indicator,
        ),
        _adjustment(
            "deduction",
            "wugu-queqin",
            "无故缺席会议或在岗督查不在岗",
            "无故缺席街道会议，或在岗督查时无故不在岗，每次扣 5 分，最多扣 10 分。",
            "5",
            "10",
        ),
        _adjustment(
            "deduction",
            "chinakayao",
            "吃拿卡要",
            "在为群众办事中吃拿卡要、优亲厚友，经查实每起扣 3 分，最多扣 6 分。",
            "3",
            "6",
        ),
    ]


# 基础指标 40 / 发展指标 30 / 特色指标 30 ----------------------------------------------------

ORG, RES, EXP = "zuzhi-pingjia", "qunzhong-pingyi", "zhuanjia-kaoping"

JICHU_FAZHAN_TESE: Document = {
    "scheme": _head(
        "社区书记年度考核方案（基础·发展·特色）",
        "“基础指标 40% + 发展指标 30% + 特色指标 30%”三维体系；组织评价、群众评议、"
        "专家考评三方评价。特色指标由社区从指标库中自选 5 项。",
        pay_tier_shares=[2, 6, 2],
        special_indicator_limit=5,
    ),
    "categories": [
        {"code": "jichu", "name": "基础指标", "weight": D("40"), "is_special": False},
        {"code": "fazhan", "name": "发展指标", "weight": D("30"), "is_special": False},
        {"code": "tese", "name": "特色指标", "weight": D("30"), "is_special": True},
    ],
    "rater_groups": [
        {"code": ORG, "name": "组织评价", "kind": "organisation", "weight": D("50")},
        {"code": RES, "name": "群众评议", "kind": "residents", "weight": D("30")},
        {"code": EXP, "name": "专家考评", "kind": "expert", "weight": D("20")},
    ],
    "indicators": [
        _quantitative(
            "jichu",
            "jc-zuzhi-shenghuo",
            "组织生活规范化",
            "全年开展“三会一课”、主题党日等组织生活的次数，以会议记录为准。",
            "8",
            [ORG],
            target="12",
            unit="次",
        ),
        _quantitative(
            "jichu",
            "jc-suqiu-banjie",
            "居民诉求按期办结率",
            "12345 热线和网格上报的居民诉求中按期办结的比例。山区、农村社区路远人散，目标下调。",
            "6",
            [ORG],
            target="95",
            floor="60",
            unit="%",
            overrides=[
                _override("85", "60", community_type="mountain"),
                _override("90", "60", community_type="rural"),
            ],
        ),
        _qualitative(
            "jichu",
            "jc-xinfang-weiwen",
            "信访维稳与矛盾调处",
            "矛盾纠纷排查化解和信访工作；越级上访从本项扣分，扣完为止。",
            "6",
            [ORG],
            XINFANG_LEVELS,
        ),
        _yes_no(
            "jichu",
            "jc-anquan-paicha",
            "安全生产与隐患排查",
            "按月完成消防、燃气、自建房等安全隐患排查并建立整改台账。",
            "5",
            [ORG],
        ),
        _quantitative(
            "jichu",
            "jc-youxiao-tousu",
            "12345 热线有效投诉件数",
            "全年经核实的有效投诉件数，越少越好；城市社区人口多，目标放宽。",
            "5",
            [ORG],
            direction="lower",
            target="4",
            floor="12",
            unit="件",
            overrides=[_override("6", "18", community_type="urban")],
        ),
        _quantitative(
            "jichu",
            "jc-hongse-wuye",
            "红色物业覆盖率",
            "实行“红色物业”（物业党建联建）的商品房小区比例；仅考核城市社区。",
            "5",
            [ORG],
            target="80",
            unit="%",
            community_types=["urban"],
        ),
        _yes_no(
            "jichu",
            "jc-renju-huanjing",
            "人居环境整治任务",
            "完成年度农村人居环境整治任务（改厕、污水、垃圾收运）；仅考核农村和山区社区。",
            "5",
            [ORG],
            community_types=["rural", "mountain"],
        ),
        _resident_rating(
            "jichu",
            "jc-fuwu-taidu",
            "窗口服务态度（群众评议）",
            "居民扫码评议中“服务态度”一项的满意度指数。",
            "5",
            [RES],
        ),
        _quantitative(
            "fazhan",
            "fz-minsheng-shishi",
            "民生实事项目完成数",
            "经居民票决确定并按期完成的民生实事项目数；按书记任职阶段设定目标。",
            "8",
            [ORG],
            target="3",
            unit="项",
            overrides=[
                _override("2", career_stage="adaptation"),
                _override("4", career_stage="breakthrough"),
            ],
        ),
        _qualitative(
            "fazhan",
            "fz-yishi-xieshang",
            "居民议事协商",
            "楼栋议事会、社区议事会、重大事项听证会三级议事协商的开展和决议落实。",
            "8",
            [ORG, RES],
            YIJIAN_LEVELS,
        ),
        _qualitative(
            "fazhan",
            "fz-tebie-qunti",
            "特殊群体关爱",
            "独居、失能老人和留守儿童等特殊群体的建档、探访和保障。",
            "7",
            [ORG, RES, EXP],
            TEBIE_LEVELS,
        ),
        _resident_rating(
            "fazhan",
            "fz-zonghe-manyi",
            "居民综合满意度",
            "居民扫码评议的综合满意度指数（0-100）。",
            "7",
            [RES],
        ),
        _quantitative(
            "tese",
            "ts-laonian-zhucan",
            "老年助餐服务覆盖率",
            "60 岁以上有需求老人中享受助餐服务的比例。",
            "6",
            [ORG],
            target="60",
            unit="%",
            in_special_pool=True,
        ),
        _yes_no(
            "tese",
            "ts-sidianban-ketang",
            "儿童友好“四点半课堂”",
            "建成“四点半课堂”并在学期内常态化运行。",
            "6",
            [ORG],
            in_special_pool=True,
        ),
        _quantitative(
            "tese",
            "ts-laji-fenlei",
            "垃圾分类居民参与率",
            "参与垃圾分类的户数占常住户数的比例，以智慧监管系统记录为准。",
            "6",
            [ORG],
            target="80",
            floor="40",
            unit="%",
            overrides=[
                _override("50", "20", community_type="mountain"),
                _override("60", "20", community_type="rural"),
            ],
            in_special_pool=True,
        ),
        _quantitative(
            "tese",
            "ts-shijian-yinhang",
            "“时间银行”互助服务时长",
            "“时间银行”平台全年记录的志愿互助服务时长；按任职阶段和社区类型设定目标。",
            "6",
            [ORG],
            target="1500",
            unit="小时",
            overrides=[
                _override("500", community_type="mountain", career_stage="adaptation"),
                _override("800", career_stage="adaptation"),
                _override("2500", career_stage="breakthrough"),
            ],
            in_special_pool=True,
        ),
        _qualitative(
            "tese",
            "ts-dangjian-pinpai",
            "党建品牌创建",
            "“一社区一品牌”党建品牌的载体和实效。",
            "6",
            [ORG, EXP],
            PINPAI_LEVELS,
            in_special_pool=True,
        ),
        _qualitative(
            "tese",
            "ts-gonggong-kongjian",
            "公共空间活化利用",
            "闲置空间改造为居民活动场所及其使用情况。",
            "6",
            [RES, EXP],
            GONGXIANG_LEVELS,
            in_special_pool=True,
        ),
        _qualitative(
            "tese",
            "ts-shuzi-zhili",
            "数字治理平台应用",
            "智慧社区平台、民情直报在日常工作中的使用和数据运用。",
            "6",
            [EXP],
            SHUZI_LEVELS,
            in_special_pool=True,
        ),
        _qualitative(
            "tese",
            "ts-sanzhi-ronghe",
            "“三治融合”平台建设",
            "法治课堂、德治讲堂、自治议事厅的运行和化解纠纷的实效。",
            "6",
            [ORG, RES, EXP],
            SANZHI_LEVELS,
            in_special_pool=True,
        ),
    ],
    "adjustments": _common_adjustments("jc-xinfang-weiwen"),
    "vetoes": copy.deepcopy(VETOES),
}


# 工作成效 45 / 党建成效 40 / 满意度 15 (修水县“三张考卷”) --------------------------------

ZZ, BM, QZ = "zuzhi-kaoping", "tiji-kaoping", "qunzhong-pingyi"

CHENGXIAO_DANGJIAN_MANYI: Document = {
    "scheme": _head(
        "社区书记年度考核方案（三张考卷）",
        "“工作成效 45% + 党建成效 40% + 满意度 15%”三张考卷；县直部门提级考评，"
        "避免基层“人情分”；满意度由居民扫码评议自动计分。",
    ),
    "categories": [
        {"code": "gongzuo", "name": "工作成效", "weight": D("45"), "is_special": False},
        {"code": "dangjian", "name": "党建成效", "weight": D("40"), "is_special": False},
        {"code": "manyi", "name": "满意度", "weight": D("15"), "is_special": False},
    ],
    "rater_groups": [
        {"code": ZZ, "name": "街道组织考评", "kind": "organisation", "weight": D("50")},
        {"code": BM, "name": "县直部门提级考评", "kind": "organisation", "weight": D("30")},
        {"code": QZ, "name": "群众评议", "kind": "residents", "weight": D("20")},
    ],
    "indicators": [
        _quantitative(
            "gongzuo",
            "gz-zhongdian-renwu",
            "重点任务按期完成率",
            "拆迁、重点项目推进、防疫等街道下达的重点任务按期完成的比例，按挂图作战进度核定。",
            "10",
            [ZZ, BM],
            target="100",
            floor="60",
            unit="%",
        ),
        _qualitative(
            "gongzuo",
            "gz-xinfang-weiwen",
            "信访维稳",
            "矛盾纠纷排查化解和信访工作；越级上访从本项扣分，扣完为止。",
            "8",
            [ZZ, BM],
            XINFANG_LEVELS,
        ),
        _yes_no(
            "gongzuo",
            "gz-anquan-huanjing",
            "安全生产与环境卫生",
            "全年未发生安全生产和环境污染事件，隐患按月排查清零。",
            "7",
            [ZZ],
        ),
        _quantitative(
            "gongzuo",
            "gz-suqiu-banjie",
            "12345 热线诉求按期办结率",
            "12345 热线转办诉求按期办结的比例，由县直部门提级核定。",
            "8",
            [BM],
            target="95",
            floor="60",
            unit="%",
            overrides=[
                _override("85", "60", community_type="mountain"),
                _override("90", "60", community_type="rural"),
            ],
        ),
        _qualitative(
            "gongzuo",
            "gz-huimin-bangfu",
            "惠民政策落实与特殊群体帮扶",
            "低保、养老、助残等惠民政策落实和特殊群体帮扶；由县直部门和居民代表评价。",
            "7",
            [BM, QZ],
            TEBIE_LEVELS,
        ),
        _yes_no(
            "gongzuo",
            "gz-yingji-xiangying",
            "突发事件按时报告处置",
            "突发事件均在规定时限内报告并到场处置。",
            "5",
            [ZZ],
        ),
        _quantitative(
            "dangjian",
            "dj-sanhui-yike",
            "“三会一课”落实",
            "全年开展“三会一课”、主题党日的次数，以会议记录为准。",
            "8",
            [ZZ],
            target="12",
            unit="次",
        ),
        _qualitative(
            "dangjian",
            "dj-dangyuan-guanli",
            "党员发展与教育管理",
            "党员发展程序、党员教育和党员作用发挥。",
            "8",
            [ZZ, BM],
            DANGYUAN_LEVELS,
        ),
        _qualitative(
            "dangjian",
            "dj-dangjian-pinpai",
            "党建品牌创建",
            "党建品牌的载体和实效，由县直部门提级评价。",
            "8",
            [BM],
            PINPAI_LEVELS,
        ),
        _quantitative(
            "dangjian",
            "dj-hongse-wuye",
            "红色物业覆盖率",
            "实行“红色物业”的商品房小区比例；仅考核城市社区。",
            "8",
            [ZZ],
            target="80",
            unit="%",
            community_types=["urban"],
        ),
        _quantitative(
            "dangjian",
            "dj-dangyuan-zhongxinhu",
            "党员中心户覆盖率",
            "设立党员中心户的村民小组比例；仅考核农村和山区社区。",
            "8",
            [ZZ],
            target="80",
            unit="%",
            community_types=["rural", "mountain"],
        ),
        _quantitative(
            "dangjian",
            "dj-shegong-chizheng",
            "社区工作者持证率",
            "社区工作者中持有社会工作者职业资格证书的比例；按书记任职阶段设定目标。",
            "8",
            [ZZ],
            target="50",
            unit="%",
            overrides=[
                _override("30", career_stage="adaptation"),
                _override("60", career_stage="breakthrough"),
            ],
        ),
        _resident_rating(
            "manyi",
            "my-fuwu-taidu",
            "服务态度满意度",
            "居民扫码评议中“服务态度”一项的满意度指数。",
            "4",
            [QZ],
        ),
        _resident_rating(
            "manyi",
            "my-banshi-xiaolv",
            "办事效率满意度",
            "居民扫码评议中“办事效率”一项的满意度指数。",
            "4",
            [QZ],
        ),
        _resident_rating(
            "manyi",
            "my-huanjing-anquan",
            "环境与安全满意度",
            "居民扫码评议中“居住环境”“社区安全”两项的满意度指数。",
            "4",
            [QZ],
        ),
        _resident_rating(
            "manyi",
            "my-zongti-pingjia",
            "总体满意度",
            "居民扫码评议中“总体评价”一项的满意度指数。",
            "3",
            [QZ],
        ),
    ],
    "adjustments": [
        *_common_adjustments("gz-xinfang-weiwen"),
        _adjustment(
            "deduction",
            "weiji-baogao",
            "突发事件未及时报告",
            "突发事件未在规定时限内报告，每起扣 2 分，从“突发事件按时报告处置”中扣除。",
            "2",
            "4",
            "gz-yingji-xiangying",
        ),
    ],
    "vetoes": copy.deepcopy(VETOES),
}


# 党建与组织建设 / 社区治理与民生服务 / 重点工作与创新 / 廉政与履职 ------------------------

SELF, MB, ZK = "ziwo-jianping", "mubiao-liangping", "zuzhi-kaoping"

SIGE_WEIDU: Document = {
    "scheme": _head(
        "社区书记绩效考核方案（四个维度）",
        "党建与组织建设 25%、社区治理与民生服务 35%、重点工作与创新 25%、廉政与履职 15%；"
        "“三评”机制：自我检评 10%、目标量评 50%、组织考评 40%；绩效年薪按 2:6:2 分档。",
        pay_tier_shares=[2, 6, 2],
    ),
    "categories": [
        {"code": "dangjian", "name": "党建与组织建设", "weight": D("25"), "is_special": False},
        {"code": "zhili", "name": "社区治理与民生服务", "weight": D("35"), "is_special": False},
        {"code": "zhongdian", "name": "重点工作与创新", "weight": D("25"), "is_special": False},
        {"code": "lianzheng", "name": "廉政与履职", "weight": D("15"), "is_special": False},
    ],
    "rater_groups": [
        {"code": SELF, "name": "自我检评", "kind": "self", "weight": D("10")},
        {"code": MB, "name": "目标量评", "kind": "organisation", "weight": D("50")},
        {"code": ZK, "name": "组织考评", "kind": "organisation", "weight": D("40")},
    ],
    "indicators": [
        _quantitative(
            "dangjian",
            "dj-sanhui-yike",
            "“三会一课”与主题党日",
            "全年开展“三会一课”、主题党日的次数，以会议记录为准；组织生活未达标另行扣分。",
            "6",
            [MB],
            target="12",
            unit="次",
        ),
        _qualitative(
            "dangjian",
            "dj-dangyuan-guanli",
            "党员发展与教育管理",
            "党员发展程序、党员教育和党员作用发挥。",
            "5",
            [SELF, ZK],
            DANGYUAN_LEVELS,
        ),
        _qualitative(
            "dangjian",
            "dj-dangjian-pinpai",
            "党建品牌创建",
            "党建品牌的载体和实效。",
            "5",
            [SELF, ZK],
            PINPAI_LEVELS,
        ),
        _quantitative(
            "dangjian",
            "dj-wangge-huajie",
            "网格矛盾纠纷化解成功率",
            "网格上报的矛盾纠纷中调解成功的比例。",
            "5",
            [MB],
            target="90",
            floor="50",
            unit="%",
        ),
        _quantitative(
            "dangjian",
            "dj-hongse-wuye",
            "红色物业覆盖率",
            "实行“红色物业”的商品房小区比例；仅考核城市社区。",
            "4",
            [MB],
            target="80",
            unit="%",
            community_types=["urban"],
        ),
        _quantitative(
            "dangjian",
            "dj-dangyuan-zhongxinhu",
            "党员中心户覆盖率",
            "设立党员中心户的村民小组比例；仅考核农村和山区社区。",
            "4",
            [MB],
            target="80",
            unit="%",
            community_types=["rural", "mountain"],
        ),
        _yes_no(
            "zhili",
            "zl-anquan-weijian",
            "安全生产与违建管控",
            "全年无安全生产事故，新增违建发现即报、按期拆除。",
            "5",
            [MB],
        ),
        _qualitative(
            "zhili",
            "zl-xinfang-weiwen",
            "信访维稳",
            "矛盾纠纷排查化解和信访工作；越级上访从本项扣分，扣完为止。",
            "6",
            [SELF, ZK],
            XINFANG_LEVELS,
        ),
        _quantitative(
            "zhili",
            "zl-laji-fenlei",
            "垃圾分类居民参与率",
            "参与垃圾分类的户数占常住户数的比例；农村、山区社区目标下调。",
            "6",
            [MB],
            target="80",
            floor="40",
            unit="%",
            overrides=[
                _override("50", "20", community_type="mountain"),
                _override("60", "20", community_type="rural"),
            ],
        ),
        _qualitative(
            "zhili",
            "zl-huimin-bangfu",
            "惠民政策落实与特殊群体帮扶",
            "低保、养老、助残等惠民政策落实和特殊群体帮扶。",
            "6",
            [SELF, MB, ZK],
            TEBIE_LEVELS,
        ),
        _resident_rating(
            "zhili",
            "zl-qunzhong-manyi",
            "群众满意度测评",
            "居民扫码评议的综合满意度指数，由目标量评组按测评结果计分。",
            "12",
            [MB],
        ),
        _quantitative(
            "zhongdian",
            "zd-zhongdian-renwu",
            "重点任务按期完成率",
            "拆迁、重点项目推进、防疫等重点任务按期完成的比例，按季度通报进度核定。",
            "8",
            [MB],
            target="100",
            floor="60",
            unit="%",
        ),
        _qualitative(
            "zhongdian",
            "zd-yingji-chuzhi",
            "应急响应与突发事件处置",
            "应急预案、演练和突发事件的报告与处置；未及时报告从本项扣分。",
            "6",
            [SELF, ZK],
            YINGJI_LEVELS,
        ),
        _quantitative(
            "zhongdian",
            "zd-chuangxin-xiangmu",
            "创新项目",
            "书记牵头实施并通过验收的创新项目数；按任职阶段设定目标。",
            "6",
            [MB],
            target="2",
            unit="项",
            overrides=[
                _override("1", career_stage="adaptation"),
                _override("3", career_stage="breakthrough"),
            ],
        ),
        _yes_no(
            "zhongdian",
            "zd-minqing-zhibao",
            "移动端民情直报",
            "推行移动端民情直报，网格事件全程留痕、可查。",
            "5",
            [MB],
        ),
        _quantitative(
            "lianzheng",
            "lz-zaigang-hege",
            "在岗督查合格率",
            "街道不定期在岗督查中在岗合格的比例。",
            "5",
            [MB],
            target="100",
            floor="80",
            unit="%",
        ),
        _yes_no(
            "lianzheng",
            "lz-sangongkai",
            "党务、居务、财务“三公开”",
            "按季度公开党务、居务、财务，公开内容可查。",
            "4",
            [MB],
        ),
        _qualitative(
            "lianzheng",
            "lz-gongzuo-zuofeng",
            "工作作风",
            "首问负责、坐班值守和群众办事体验；“门难进、事难办”查实从本项扣分。",
            "6",
            [SELF, ZK],
            ZUOFENG_LEVELS,
        ),
    ],
    "adjustments": [
        *_common_adjustments("zl-xinfang-weiwen")[:2],
        _adjustment(
            "bonus",
            "chaoe-renwu",
            "超额完成重点任务",
            "重点任务超额完成并经街道认定，每项加 1 分，最多加 2 分。",
            "1",
            "2",
        ),
        *_common_adjustments("zl-xinfang-weiwen")[2:],
        _adjustment(
            "deduction",
            "zuzhi-shenghuo-budabiao",
            "组织生活未达标",
            "当月未按规定开展组织生活，每次扣 2 分，从“三会一课”指标中扣除。",
            "2",
            "6",
            "dj-sanhui-yike",
        ),
        _adjustment(
            "deduction",
            "weiji-baogao",
            "突发事件未及时报告",
            "突发事件未在规定时限内报告，每起扣 2 分，从应急响应指标中扣除。",
            "2",
            "6",
            "zd-yingji-chuzhi",
        ),
        _adjustment(
            "deduction",
            "mennan-jin",
            "“门难进、事难办”查实",
            "群众反映“门难进、脸难看、事难办”经查实，每起扣 2 分，从工作作风指标中扣除。",
            "2",
            "6",
            "lz-gongzuo-zuofeng",
        ),
    ],
    "vetoes": copy.deepcopy(VETOES),
}


TEMPLATES: dict[str, Document] = {
    "jichu-fazhan-tese": JICHU_FAZHAN_TESE,
    "chengxiao-dangjian-manyi": CHENGXIAO_DANGJIAN_MANYI,
    "sige-weidu": SIGE_WEIDU,
}


def template_document(
    code: str, *, scheme_code: str, year: int, name: str | None = None
) -> Document:
    """A fresh copy of a built-in template, ready for ``scheme_create_from_document``.

    Raises KeyError for an unknown template code.
    """
    document = copy.deepcopy(TEMPLATES[code])
    head = document["scheme"]
    head["code"] = scheme_code
    head["year"] = year
    if name:
        head["name"] = name
    head["template_code"] = code
    return document
