"""The engine's inputs: a scheme and one subject's data, as plain frozen values.

Every scheme item is identified by a string code; the ORM layer maps its ids to codes.
Entries, adjustments and vetoes carry the ids the explanation points back at.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

# Ids of stored rows (entries, adjustments, vetoes, raters, subjects) pass through untouched.
Ref = int | str


def ref_key(ref: Ref) -> tuple[int, int, str]:
    """Orders ids of either type, so that no result depends on the order of its input."""
    return (0, ref, "") if isinstance(ref, int) else (1, 0, ref)


class Method(StrEnum):
    QUANTITATIVE = "quantitative"
    QUALITATIVE = "qualitative"
    YES_NO = "yes_no"
    RESIDENT_RATING = "resident_rating"


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class CommunityType(StrEnum):
    URBAN = "urban"
    RURAL = "rural"
    MOUNTAIN = "mountain"


class CareerStage(StrEnum):
    ADAPTATION = "adaptation"
    GROWTH = "growth"
    BREAKTHROUGH = "breakthrough"


class AdjustmentKind(StrEnum):
    BONUS = "bonus"
    DEDUCTION = "deduction"


class Grade(StrEnum):
    EXCELLENT = "excellent"
    GOOD = "good"
    PASS = "pass"  # noqa: S105 - a grade, not a password
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class LevelSpec:
    """A behaviourally anchored level (优/良/中/差) and the percent range it covers."""

    code: str
    label: str
    min_percent: Decimal
    max_percent: Decimal


@dataclass(frozen=True, slots=True)
class TargetSpec:
    """A target and floor pair; a floor of None means the direction's default floor."""

    target: Decimal
    floor: Decimal | None = None


# (community type or None, career stage or None); None matches any.
OverrideKey = tuple[CommunityType | None, CareerStage | None]


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    code: str
    name: str
    max_points: Decimal
    method: Method
    group_codes: tuple[str, ...]
    direction: Direction = Direction.HIGHER
    target: Decimal | None = None
    floor: Decimal | None = None
    levels: tuple[LevelSpec, ...] = ()
    target_overrides: Mapping[OverrideKey, TargetSpec] = field(default_factory=dict)
    # None: applies to every community type / career stage.
    community_types: frozenset[CommunityType] | None = None
    career_stages: frozenset[CareerStage] | None = None

    def applies_to(self, community_type: CommunityType, career_stage: CareerStage) -> bool:
        return (self.community_types is None or community_type in self.community_types) and (
            self.career_stages is None or career_stage in self.career_stages
        )


@dataclass(frozen=True, slots=True)
class CategorySpec:
    code: str
    name: str
    weight: Decimal
    indicators: tuple[IndicatorSpec, ...]


@dataclass(frozen=True, slots=True)
class RaterGroupSpec:
    code: str
    name: str
    weight: Decimal


@dataclass(frozen=True, slots=True)
class AdjustmentItemSpec:
    code: str
    name: str
    kind: AdjustmentKind
    points_per_occurrence: Decimal
    cap: Decimal | None = None
    # Deductions only: the indicator whose points the deduction is taken from (扣完为止).
    indicator_code: str | None = None


@dataclass(frozen=True, slots=True)
class VetoItemSpec:
    code: str
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class GradeBands:
    """Lower bounds of the bands, read against the rounded total."""

    excellent: Decimal = Decimal(90)
    good: Decimal = Decimal(80)
    passing: Decimal = Decimal(60)


@dataclass(frozen=True, slots=True)
class SchemeSpec:
    categories: tuple[CategorySpec, ...]
    rater_groups: tuple[RaterGroupSpec, ...]
    bonus_items: tuple[AdjustmentItemSpec, ...] = ()
    deduction_items: tuple[AdjustmentItemSpec, ...] = ()
    veto_items: tuple[VetoItemSpec, ...] = ()
    grade_bands: GradeBands = GradeBands()
    bonus_cap: Decimal | None = None
    deduction_cap: Decimal | None = None


@dataclass(frozen=True, slots=True)
class EntryInput:
    """One rater's entry.

    value: quantitative, the actual value; qualitative, a percent 0-100; yes/no, 1 or 0;
    resident rating, the satisfaction index 0-100.
    """

    entry_id: Ref
    indicator_code: str
    group_code: str
    rater_id: Ref
    value: Decimal


class EntryGroupInput(NamedTuple):
    """All entries of one rater group for one indicator, column by column.

    The bulk form of EntryInput: one object per (indicator, group) instead of one per
    entry. entry_ids and rater_ids may be left empty where no explanation is wanted (bulk
    totals); positions then stand in for them. A NamedTuple rather than a frozen dataclass:
    a city-wide recompute builds 658,000 of these, and a frozen dataclass's constructor is
    several times slower. Building 2 million EntryInput objects alone takes over a second, so a selector
    reading a whole tenant should pass entries this way; the result is the same.
    """

    indicator_code: str
    group_code: str
    entry_ids: tuple[Ref, ...]
    rater_ids: tuple[Ref, ...]
    values: tuple[Decimal, ...]

    def entries(self) -> tuple[EntryInput, ...]:
        entry_ids, rater_ids = self.entry_ids, self.rater_ids
        if not entry_ids and self.values:
            # Bulk totals pass values without references; positions stand in for them.
            prefix = f"{self.indicator_code}/{self.group_code}/"
            entry_ids = tuple(f"{prefix}{n}" for n in range(len(self.values)))
            rater_ids = entry_ids
        return tuple(
            EntryInput(entry_id, self.indicator_code, self.group_code, rater_id, value)
            for entry_id, rater_id, value in zip(entry_ids, rater_ids, self.values, strict=True)
        )


@dataclass(frozen=True, slots=True)
class AdjustmentInput:
    adjustment_id: Ref
    item_code: str
    occurrences: int


@dataclass(frozen=True, slots=True)
class VetoInput:
    veto_id: Ref
    item_code: str


@dataclass(frozen=True, slots=True)
class SubjectInput:
    subject_id: Ref
    community_type: CommunityType
    career_stage: CareerStage
    entries: tuple[EntryInput, ...] = ()
    adjustments: tuple[AdjustmentInput, ...] = ()
    vetoes: tuple[VetoInput, ...] = ()
    # Entries may also come grouped (see EntryGroupInput); both forms may be mixed.
    entry_groups: tuple[EntryGroupInput, ...] = ()

    def all_entries(self) -> tuple[EntryInput, ...]:
        grouped = tuple(entry for group in self.entry_groups for entry in group.entries())
        return grouped + self.entries if grouped else self.entries
