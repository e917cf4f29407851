"""A user's query: its words, the refusals of what no search should take, and the snippet
that shows where a document matched."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kefu.errors import InvalidInput
from kefu.search.segmenter import is_chinese, query_words

# Longer than any phrase a person types into a search box; a pasted page is refused.
MAX_QUERY_LENGTH = 100
# Every word is one more condition; past this a query finds nothing anyone meant.
MAX_QUERY_WORDS = 12


@dataclass(frozen=True)
class SearchQuery:
    text: str
    words: tuple[str, ...]
    # Any word rather than every word: for suggestions from a customer's long description.
    match_any: bool = False
    # The words as the segmenter cut them, without the characters-in-a-row fallback: exact,
    # and answered by the index alone; tried first (`first_words`).
    words_only: bool = False

    def first_words(self) -> SearchQuery:
        return replace(self, words_only=True)

    @classmethod
    def parse(cls, text: str, *, field: str = "q") -> SearchQuery:
        text = (text or "").strip()
        if len(text) > MAX_QUERY_LENGTH:
            raise InvalidInput(
                f"搜索词过长（最多 {MAX_QUERY_LENGTH} 个字）",
                f"The search query is too long (at most {MAX_QUERY_LENGTH} characters)",
                fields={field: [f"max {MAX_QUERY_LENGTH}"]})
        words = query_words(text)
        if not words:
            raise InvalidInput("请输入要搜索的字词", "Type a word to search for",
                               fields={field: ["empty"]})
        if len(words) > MAX_QUERY_WORDS:
            raise InvalidInput(
                f"搜索词过多（最多 {MAX_QUERY_WORDS} 个词）",
                f"Too many words in the query (at most {MAX_QUERY_WORDS})",
                fields={field: [f"max {MAX_QUERY_WORDS} words"]})
        return cls(text=text, words=tuple(words))

    @classmethod
    def suggestion(cls, text: str) -> SearchQuery | None:
        """The query that suggests documents for a text someone wrote (a customer's words):
        its longest words, any of which may match; None when it has no words."""
        words = [w for w in query_words(text[:2000]) if len(w) > 1 or not is_chinese(w)]
        if not words:
            return None
        best = sorted(words, key=len, reverse=True)[:MAX_QUERY_WORDS]
        return cls(text=text[:MAX_QUERY_LENGTH], words=tuple(w for w in words if w in best),
                   match_any=True)

    def pattern(self) -> re.Pattern[str]:
        """Where the query's words stand in a text: a Chinese word as written, a Latin or
        digit word as the start of a run (the index matches it as a prefix)."""
        parts = [re.escape(w) if is_chinese(w) else rf"(?<![0-9a-z]){re.escape(w)}"
                 for w in sorted(self.words, key=len, reverse=True)]
        return re.compile("|".join(parts), re.IGNORECASE)


def snippet(text: str, query: SearchQuery, *, width: int = 80) -> SafeString:
    """About `width` characters of `text` around its first match, the matches marked.
    `text` must already be masked: the snippet shows it as it is."""
    text = " ".join(text.split())
    pattern = query.pattern()
    first = pattern.search(text)
    start = max(0, (first.start() if first else 0) - width // 4)
    end = min(len(text), start + width)
    piece = text[start:end]
    out: list[str] = ["…" if start else ""]
    last = 0
    for m in pattern.finditer(piece):
        out.append(escape(piece[last:m.start()]))
        out.append(f"<mark>{escape(m.group())}</mark>")
        last = m.end()
    out.append(escape(piece[last:]))
    out.append("…" if end < len(text) else "")
    # Every piece of the text above went through escape().
    return mark_safe("".join(out))
