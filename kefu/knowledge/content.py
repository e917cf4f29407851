"""What an article may contain: safe rich text, checked limits, and its plain text for
search and for the diff between versions."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime

import nh3

from kefu.errors import REQUIRED

# Headings, paragraphs, lists, tables, links, images and emphasis: what an FAQ needs.
TAGS = {"h2", "h3", "h4", "p", "br", "hr", "ul", "ol", "li", "table", "thead", "tbody",
        "tr", "th", "td", "a", "img", "strong", "em", "b", "i", "u", "blockquote", "code",
        "pre", "span"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"},
              "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
# Images are the article's own uploads, served by Kefu; no page loads another site's.
IMAGE_PREFIX = "/knowledge/images/"
MAX_TITLE = 200
MAX_BODY = 100_000
MAX_TAGS = 10
MAX_TAG = 20


def _attribute(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src" and not value.startswith(IMAGE_PREFIX):
        return None
    return value


def sanitise(body: str) -> str:
    """The body with everything outside the allowed markup removed: scripts, styles, event
    handlers and `javascript:` links never reach a page."""
    return nh3.clean(body, tags=TAGS, attributes=ATTRIBUTES,
                     url_schemes={"http", "https", "mailto", "tel"},
                     attribute_filter=_attribute, link_rel="noopener noreferrer")


_BLOCK_END = re.compile(r"</(p|h[2-4]|li|tr|blockquote|pre)>|<br\s*/?>|<hr\s*/?>", re.I)


def plain_text(body: str) -> str:
    """The words of the body, a line per block (for search, snippets and the diff)."""
    marked = _BLOCK_END.sub("\n", body)
    text = html.unescape(nh3.clean(marked, tags=set()))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


@dataclass(frozen=True)
class ArticleContent:
    """Everything an editor writes for a version."""

    title: str
    body: str
    category_code: str
    audience: str = "internal"
    tags: tuple[str, ...] = ()
    valid_from: datetime | None = None
    valid_to: datetime | None = None


def content_problems(content: ArticleContent) -> dict[str, list[str]]:
    from kefu.knowledge.choices import Audience

    problems: dict[str, list[str]] = {}
    title = content.title.strip()
    if not title:
        problems["title"] = [REQUIRED]
    elif len(title) > MAX_TITLE:
        problems["title"] = [f"max {MAX_TITLE}"]
    if len(content.body) > MAX_BODY:
        problems["body"] = [f"max {MAX_BODY}"]
    elif not plain_text(sanitise(content.body)):
        problems["body"] = [REQUIRED]
    if content.audience not in Audience.values:
        problems["audience"] = [f"one of {', '.join(Audience.values)}"]
    if len(content.tags) > MAX_TAGS:
        problems["tags"] = [f"max {MAX_TAGS} tags"]
    elif any(len(t.strip()) > MAX_TAG for t in content.tags):
        problems["tags"] = [f"max {MAX_TAG} characters each"]
    if content.valid_from and content.valid_to and content.valid_to <= content.valid_from:
        problems["valid_to"] = ["after valid_from"]
    return problems
