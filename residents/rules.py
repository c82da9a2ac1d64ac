"""The arithmetic and text rules of resident ratings, as pure functions (documented in
README.md, "Resident ratings").

- Satisfaction index of a question: (mean score - 1) / 4 x 100, so 1 is 0 and 5 is 100.
- Satisfaction index of a campaign: the mean of its questions' indices.
- Response rate: household-card responses over household cards issued.
- Substantive suggestion: after removing whitespace, punctuation and stock praise phrases,
  at least SUBSTANTIVE_MIN_CHARS characters remain. A non-blank suggestion that is not
  substantive is "empty praise"; the substantive share is substantive / non-blank.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

SUBSTANTIVE_MIN_CHARS = 6
# Longest first, so "非常满意" is removed whole before "满意" is tried.
PRAISE_PHRASES = sorted(
    [
        "非常满意", "很满意", "满意", "非常好", "很好", "挺好", "不错", "好评", "点赞", "赞",
        "辛苦了", "辛苦", "谢谢", "感谢", "没有意见", "没意见", "无意见", "暂无", "没有", "无",
        "继续保持", "加油", "好", "good", "ok", "nice", "thanks", "thank you", "none",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
_PRAISE = re.compile("|".join(re.escape(phrase) for phrase in PRAISE_PHRASES), re.IGNORECASE)
TWO = Decimal("0.01")


def _strip(text: str) -> str:
    return "".join(
        ch for ch in text if not unicodedata.category(ch).startswith(("P", "Z", "S", "C"))
    )


def is_substantive(text: str) -> bool:
    return len(_strip(_PRAISE.sub("", _strip(text)))) >= SUBSTANTIVE_MIN_CHARS


def question_index(total: int, count: int) -> Decimal | None:
    """The index from the sum and number of 1-5 scores (exact: no float mean in between)."""
    if not count:
        return None
    return (Decimal(total - count) * 25 / count).quantize(TWO, ROUND_HALF_UP)


def campaign_index(indices: Iterable[Decimal | None]) -> Decimal | None:
    known = [index for index in indices if index is not None]
    if not known:
        return None
    return (sum(known, Decimal(0)) / len(known)).quantize(TWO, ROUND_HALF_UP)


def share(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage with two decimals; None for an empty whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(TWO, ROUND_HALF_UP)
