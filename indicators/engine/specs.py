"""The engine's inputs: a scheme and one subject's data, as plain frozen values.

Every scheme item is identified by a string code; the ORM layer maps its ids to codes.
Entries, adjustments and vetoes carry the ids the explanation points back at.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple, TypeVar, cast

_T = TypeVar("_T")

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


class EntryLayout:
    """Where each (indicator, group) run sits in a flat tuple of values: the packed form's
    shared half.

    A tenant's assessments of one scheme nearly all have the same runs in the same order,
    so the selector builds one layout per distinct arrangement and every subject points at
    it. The engine caches, per layout and context plan, which run feeds which column.
    """

    __slots__ = ("_columns", "bounds", "keys")

    def __init__(self, runs: tuple[tuple[str, str, int], ...]) -> None:
        """runs: (indicator code, group code, number of values), in the values' order."""
        keys: list[tuple[str, str]] = []
        bounds: list[tuple[int, int]] = []
        start = 0
        for indicator_code, group_code, count in runs:
            if count < 0:
                raise ValueError(f"run {indicator_code!r}/{group_code!r} has a negative length")
            keys.append((indicator_code, group_code))
            bounds.append((start, start + count))
            start += count
        if len(set(keys)) != len(keys):
            raise ValueError("a packed layout names an (indicator, group) pair twice")
        self.keys: tuple[tuple[str, str], ...] = tuple(keys)
        self.bounds: tuple[tuple[int, int], ...] = tuple(bounds)
        # id(owner) -> (owner, what was derived for it); the owner is held so that its id
        # cannot be reused while the entry lives.
        self._columns: dict[int, tuple[object, object]] = {}

    def derived(self, owner: object, build: Callable[[], _T]) -> _T:
        """What build() makes of this layout for owner (the engine's column plan),
        computed once per owner and kept while the layout lives."""
        found = self._columns.get(id(owner))
        if found is not None and found[0] is owner:
            return cast(_T, found[1])
        made = build()
        self._columns[id(owner)] = (owner, made)
        return made


class PackedEntries(NamedTuple):
    """A subject's entries as one flat tuple of values and a shared layout: the fastest
    form for bulk totals (no object per run or entry). Positions stand in for entry and
    rater ids, as in an EntryGroupInput without references."""

    layout: EntryLayout
    values: tuple[Decimal, ...]

    def groups(self) -> tuple[EntryGroupInput, ...]:
        return tuple(
            EntryGroupInput(indicator, group, (), (), self.values[start:end])
            for (indicator, group), (start, end) in zip(
                self.layout.keys, self.layout.bounds, strict=True
            )
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
    # Entries may also come grouped (see EntryGroupInput) or packed (see PackedEntries);
    # all forms may be mixed, and the result does not depend on the form.
    entry_groups: tuple[EntryGroupInput, ...] = ()
    packed: PackedEntries | None = None

    def grouped(self) -> tuple[EntryGroupInput, ...]:
        return self.entry_groups + self.packed.groups() if self.packed else self.entry_groups

    def all_entries(self) -> tuple[EntryInput, ...]:
        grouped = tuple(entry for group in self.grouped() for entry in group.entries())
        return grouped + self.entries if grouped else self.entries
