"""Keywords and demand themes from realistic talk notes (written for these tests), in
simplified and traditional characters, and a segmenter built once per process."""

from __future__ import annotations

from interviews import text
from interviews.services import DEFAULT_THEMES

THEMES = {n: words for n, (_name, words) in enumerate(DEFAULT_THEMES)}
NAMES = {n: name for n, (name, _words) in enumerate(DEFAULT_THEMES)}


def _themes(note: str) -> set[str]:
    return {NAMES[theme_id] for theme_id in text.analyse(note, THEMES).themes}


ELDERLY_AND_LIFT = (
    "背景调研：幸福里小区建于1992年，六层无电梯，60岁以上居民占四成，其中空巢老人23户。"
    "谈话中书记反映，多位独居老人爬楼困难，下楼看病要邻居背。居民多次提出加装电梯，"
    "但一楼住户担心采光和通风，意见不统一。方案：由社区牵头召开楼栋协商会，同时在社区"
    "日间照料中心增加助餐服务。"
)
PARKING_AND_PROPERTY = (
    "书记介绍，晚上小区停车位严重不足，车辆乱停乱放堵住消防通道。另有居民反映物业公司"
    "收了物业费却不修路灯，业委会与物业矛盾激化，已有12345热线投诉。"
)
WASTE = "本月重点推进垃圾分类，楼下垃圾桶摆放点位居民意见大，厨余垃圾有异味，垃圾清运时间需调整。"
NO_THEME = (
    "日常谈心：交流了近期党史学习教育的体会，书记谈到个人成长和班子团结，"
    "表示将继续加强理论学习，提高为民服务本领。"
)
TRADITIONAL = (
    "書記反映，社區獨居老人較多，爬樓困難，居民希望加裝電梯；"
    "另外停車位緊張，業委會與物業公司糾紛不斷。"
)


def test_a_note_on_elderly_residents_and_a_lift_finds_both_themes() -> None:
    assert _themes(ELDERLY_AND_LIFT) == {"养老服务", "老旧小区加装电梯"}


def test_parking_and_property_disputes_with_a_fire_lane() -> None:
    assert _themes(PARKING_AND_PROPERTY) == {"停车难", "物业纠纷", "安全隐患"}


def test_waste_sorting_counts_every_mention() -> None:
    analysis = text.analyse(WASTE, THEMES)
    waste = next(n for n, name in NAMES.items() if name == "垃圾分类")
    hits, matched = analysis.themes[waste]
    assert matched == ["厨余垃圾", "垃圾分类", "垃圾桶", "垃圾清运"]
    assert hits == 4
    assert set(analysis.themes) == {waste}


def test_a_note_that_matches_no_theme() -> None:
    analysis = text.analyse(NO_THEME, THEMES)
    assert analysis.themes == {}
    # It still has keywords; function words and the words every note uses are left out.
    words = [word for word, _count in analysis.keywords]
    assert "学习" in words
    assert not {"的", "了", "书记", "表示"} & set(words)


def test_a_note_in_traditional_characters_reads_as_simplified() -> None:
    assert text.to_simplified("獨居老人加裝電梯，業委會糾紛") == "独居老人加装电梯，业委会纠纷"
    assert _themes(TRADITIONAL) == {"养老服务", "老旧小区加装电梯", "停车难", "物业纠纷"}
    words = dict(text.analyse(TRADITIONAL, THEMES).keywords)
    assert "独居老人" in words and "加装电梯" in words


def test_a_tenant_keyword_the_dictionary_splits_still_matches() -> None:
    # Not in the domain dictionary: segmented as 电动车 + 进 + 楼道; a three-word span matches.
    analysis = text.analyse("有居民把电动车进楼道充电。", {1: ["电动车进楼道"]})
    assert analysis.themes == {1: (1, ["电动车进楼道"])}
    # A keyword is never found inside a longer dictionary word: 车位 is not in 停车位.
    assert text.analyse("停车位不够", {2: ["车位"]}).themes == {}


def test_the_segmenter_is_built_once_per_process() -> None:
    first = text.segmenter()
    loads = text.Segmenter.loads
    for note in (ELDERLY_AND_LIFT, WASTE, NO_THEME, TRADITIONAL):
        text.analyse(note, THEMES)
    assert text.segmenter() is first
    assert text.Segmenter.loads == loads == 1
