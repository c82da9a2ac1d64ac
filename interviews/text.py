"""Keywords of talk notes: Chinese segmentation (jieba) with the domain dictionary and stop
words kept in ``interviews/data``, and traditional characters read as simplified.

The segmenter is built once per worker process, on first use: loading jieba's dictionary
takes about a second, far too long to repeat for every talk.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

DATA = Path(__file__).resolve().parent / "data"
DICTIONARY = DATA / "dictionary.txt"
STOP_WORDS = DATA / "stopwords.txt"
TRADITIONAL = DATA / "traditional.txt"

# Words worth counting: two or more CJK characters, or a CJK word with digits (12345热线).
_WORD = re.compile(r"^(?=.{2})[\u4e00-\u9fff0-9]*[\u4e00-\u9fff][\u4e00-\u9fff0-9]*$")
# Theme keywords may span up to this many segments (电动车 + 充电 for 电动车充电).
_MAX_SPAN = 3


class Segmenter:
    """jieba with the domain dictionary loaded, and the stop words."""

    loads = 0  # how many segmenters this process has built (tests check it stays at one)

    def __init__(self) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self.tokenizer: Any = jieba.Tokenizer()
        self.tokenizer.load_userdict(str(DICTIONARY))
        self.stop_words = frozenset(_lines(STOP_WORDS))
        self.domain_words = frozenset(line.split()[0] for line in _lines(DICTIONARY))
        Segmenter.loads += 1

    def words(self, text: str) -> list[str]:
        """The segments of the (simplified) text, in order, stop words included."""
        return [w for w in self.tokenizer.lcut(text, HMM=True) if w.strip()]

    def counted(self, words: Sequence[str]) -> Counter[str]:
        return Counter(w for w in words if _WORD.match(w) and w not in self.stop_words)


_lock = threading.Lock()
_segmenter: Segmenter | None = None


def segmenter() -> Segmenter:
    """The process's segmenter, built on first use (thread-safe)."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                _segmenter = Segmenter()
    return _segmenter


def _lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


@cache
def _traditional_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for line in _lines(TRADITIONAL):
        traditional, simplified = line.split("\t")
        table[ord(traditional)] = simplified
    return table


def to_simplified(text: str) -> str:
    """Read traditional characters as simplified, character by character, from the table in
    ``data/traditional.txt`` (the characters of residents' needs, not the whole script)."""
    return text.translate(_traditional_table())


class Analysis(NamedTuple):
    keywords: list[tuple[str, int]]
    # theme id → (hits, the keywords that matched)
    themes: dict[int, tuple[int, list[str]]]


def analyse(text: str, themes: Mapping[int, Iterable[str]], *, top: int = 10) -> Analysis:
    """The most frequent words of ``text`` and the themes whose keywords occur in it.

    A keyword matches where the segmenter's words, alone or two or three in a row, spell it:
    so 停车 does not match inside 停车场, which the dictionary segments as one word, yet a
    tenant's own keyword that the dictionary splits still matches.
    """
    seg = segmenter()
    words = seg.words(to_simplified(text))
    spans: Counter[str] = Counter()
    for size in range(1, _MAX_SPAN + 1):
        for start in range(len(words) - size + 1):
            spans["".join(words[start : start + size])] += 1
    matches: dict[int, tuple[int, list[str]]] = {}
    for theme_id, keywords in themes.items():
        found = sorted({to_simplified(k) for k in keywords if spans[to_simplified(k)]})
        if found:
            matches[theme_id] = (sum(spans[k] for k in found), found)
    counted = seg.counted(words)
    # The most frequent first; among equals, the domain dictionary's words, then longer words.
    keywords_top = sorted(
        counted.items(),
        key=lambda item: (-item[1], item[0] not in seg.domain_words, -len(item[0]), item[0]),
    )[:top]
    return Analysis(keywords=keywords_top, themes=matches)
