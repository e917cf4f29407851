"""Chinese full-text search: articles (staff find what they may read, expired ones marked)
and work orders (through the caller's scope, personal numbers masked in the snippets). A
query is segmented like the text; every word must match, as a word or as characters in a
row."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kefu.api.auth import actor_of
from kefu.knowledge import actions
from kefu.knowledge.choices import SearchPlace
from kefu.knowledge.queries import search_articles
from kefu.search.query import MAX_QUERY_LENGTH, SearchQuery
from kefu.workorders.searching import search_work_orders

router = Router()


class SearchQueryIn(Schema):
    q: str = Field(max_length=MAX_QUERY_LENGTH, description="Chinese, English or digits; "
                   "every word must match")
    limit: int = Field(20, ge=1, le=50)


class ArticleHitOut(Schema):
    id: int
    title: str
    version: int
    is_expired: bool
    rank: float
    snippet: str = Field(description="HTML: the text around the match, matches in <mark>")


class WorkOrderHitOut(Schema):
    id: int
    number: str | None
    title: str
    status: str
    rank: float
    snippet: str = Field(description="HTML, personal numbers masked, matches in <mark>")



@router.get("/articles", response=list[ArticleHitOut],
            summary="Search articles (Chinese full text), best first")
def search(request: HttpRequest, q: Query[SearchQueryIn]) -> list[dict[str, Any]]:
    actor = actor_of(request)
    hits = search_articles(actor, SearchQuery.parse(q.q), limit=q.limit)
    if not hits:
        actions.record_search_miss(place=SearchPlace.CONSOLE, query=q.q)
    return [{"id": h.article.pk, "title": h.article.published.title if h.article.published
             else "", "version": h.article.published.number if h.article.published else 0,
             "is_expired": h.is_expired, "rank": h.rank, "snippet": str(h.snippet)}
            for h in hits]


@router.get("/work-orders", response=list[WorkOrderHitOut],
            summary="Search work orders in my scope (title, content, replies, notes, numbers)")
def search_orders(request: HttpRequest, q: Query[SearchQueryIn]) -> list[dict[str, Any]]:
    hits = search_work_orders(actor_of(request), SearchQuery.parse(q.q), limit=q.limit)
    return [{"id": h.work_order.pk, "number": h.work_order.number, "title": h.work_order.title,
             "status": h.work_order.status, "rank": h.rank, "snippet": str(h.snippet)}
            for h in hits]
