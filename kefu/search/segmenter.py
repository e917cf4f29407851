"""Cutting Chinese text into words, the same way at write time and at query time.

Two token strings come out of a text: its *words* (jieba's search-mode cut, so a compound
also yields its parts) and its *characters* (every Chinese character on its own, in order,
and every Latin or digit run whole). Words rank; characters make any substring findable,
which is the fallback for the one- and two-character queries a segmenter never produces."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

# Chinese characters (the unified ideographs and their extension A, the compatibility block)
# and runs of Latin letters or digits; everything else separates tokens.
_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_DICTIONARY = Path(__file__).with_name("telecom.dict")

_lock = threading.Lock()
_cutter: Any = None


def _segmenter() -> Any:
    """The segmenter with the telecom dictionary, built once per process (about 0.1 s)."""
    global _cutter
    if _cutter is None:
        with _lock:
            if _cutter is None:
                import rjieba

                cutter = rjieba.Jieba()
                for word, freq in dictionary_words():
                    cutter.add_word(word, freq, None)
                _cutter = cutter
    return _cutter


def dictionary_words() -> Iterator[tuple[str, int | None]]:
    for line in _DICTIONARY.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, freq = line.partition(" ")
        yield word, int(freq) if freq.strip() else None


def _tokens(pieces: Iterable[str]) -> Iterator[str]:
    """Lower-cased Chinese runs and Latin/digit runs of each piece; punctuation dropped.
    A piece mixing scripts ("5G套餐") splits where the script changes, on both sides."""
    for piece in pieces:
        yield from _TOKEN.findall(piece.lower())


def is_chinese(token: str) -> bool:
    return bool(_CJK.match(token))


def index_words(text: str) -> str:
    return " ".join(_tokens(_segmenter().cut_for_search(text, False)))


def index_characters(text: str) -> str:
    out: list[str] = []
    for token in _tokens([text]):
        out.extend(token if is_chinese(token) else [token])
    return " ".join(out)


def query_words(text: str) -> list[str]:
    """The distinct words of a query, in order; the precise cut (not search mode), so each
    word a user typed is one condition."""
    seen: dict[str, None] = {}
    for token in _tokens(_segmenter().cut(text, False)):
        seen.setdefault(token, None)
    return list(seen)
