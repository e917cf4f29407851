"""Knowledge (信息采编): articles with their versions and review, feedback, and the
self-service deflection figure."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from kefu.api.auth import actor_of
from kefu.api.etags import etag, if_match
from kefu.errors import InvalidInput
from kefu.knowledge import actions
from kefu.knowledge.content import MAX_BODY, ArticleContent
from kefu.knowledge.models import Article, ArticleVersion
from kefu.knowledge.queries import (
    deflection,
    get_article,
    list_articles,
    review_queue,
    versions,
)

router = Router()

TIME_NOTE = "ISO 8601; a time without offset is read as Asia/Shanghai"


class ArticleIn(Schema):
    title: str = Field(max_length=200)
    body: str = Field(max_length=MAX_BODY, description="HTML: headings, lists, tables, links, "
                                                       "images; anything else is removed")
    category: str = Field(description="a category code, e.g. K0301 (宽带报修)")
    audience: str = Field("internal", description="internal | public (shown on the portal)")
    tags: list[str] = Field(default_factory=list, max_length=10)
    valid_from: datetime | None = Field(None, description=f"{TIME_NOTE}; default now")
    valid_to: datetime | None = Field(None, description=f"{TIME_NOTE}; empty: no end")
    owner_unit_id: int | None = Field(None, description="default: my unit")

    def content(self) -> ArticleContent:
        return ArticleContent(title=self.title, body=self.body, category_code=self.category,
                              audience=self.audience, tags=tuple(self.tags),
                              valid_from=self.valid_from, valid_to=self.valid_to)


class ArticleReviewIn(Schema):
    decision: str = Field(description="approve | reject")
    comment: str = Field("", max_length=2000, description="required to reject")


class ArticleWithdrawIn(Schema):
    reason: str = Field(max_length=2000)


class ArticleFeedbackIn(Schema):
    helpful: bool
    comment: str = Field("", max_length=2000)


class ArticleVersionOut(Schema):
    number: int
    status: str
    title: str
    body: str
    category: str = Field(alias="category.code")
    tags: list[str]
    audience: str
    valid_from: datetime
    valid_to: datetime | None
    author_name: str = Field(alias="author.display_name")
    submitted_at: datetime | None
    reviewed_at: datetime | None
    review_comment: str
    published_at: datetime | None


class ArticleOut(Schema):
    id: int
    status: str
    audience: str
    owner_unit_id: int
    valid_to: datetime | None
    published_version: int | None = Field(None, alias="published.number")
    title: str | None = Field(None, alias="published.title")
    view_count: int
    helpful_count: int
    unhelpful_count: int
    version: int


class ArticleDetailOut(ArticleOut):
    versions: list[ArticleVersionOut]

    @staticmethod
    def resolve_versions(article: Article) -> list[ArticleVersion]:
        return versions(article)


class ArticleListIn(Schema):
    status: str | None = Field(None, description="draft | in_review | published | expired | "
                                                 "withdrawn")


class DeflectionQuery(Schema):
    since: date | None = Field(None, description="default: 30 days ago")
    until: date | None = Field(None, description="default: today")


class DeflectionOut(Schema):
    since: date
    until: date
    sessions: int = Field(description="self-service sessions (a browser's FAQ visit a day)")
    solved: int = Field(description="sessions where an article solved the question")
    escalated: int = Field(description="sessions that went on to a consultation")
    rate: float | None = Field(description="solved ÷ sessions")


def _detail(article: Article, response: HttpResponse) -> Article:
    response["ETag"] = etag(article.version)
    return article


@router.get("/articles", response=list[ArticleOut], summary="Articles I may read or edit")
def index(request: HttpRequest, q: Query[ArticleListIn]) -> list[Article]:
    return list_articles(actor_of(request), status=q.status)


@router.get("/articles/review-queue", response=list[ArticleVersionOut],
            summary="Versions waiting for my review (never my own)")
def queue(request: HttpRequest) -> list[ArticleVersion]:
    return review_queue(actor_of(request))


@router.post("/articles", response={201: ArticleDetailOut},
             summary="Write a new article (a draft)")
def create(request: HttpRequest, payload: ArticleIn, response: HttpResponse) -> Status[Any]:
    article = actions.create_article(actor=actor_of(request), content=payload.content(),
                                     owner_unit_id=payload.owner_unit_id)
    response["Location"] = f"/api/knowledge/articles/{article.pk}"
    return Status(201, _detail(get_article(actor_of(request), article.pk), response))


@router.get("/articles/{article_id}", response=ArticleDetailOut,
            summary="One article with every version")
def detail(request: HttpRequest, article_id: int, response: HttpResponse) -> Article:
    return _detail(get_article(actor_of(request), article_id), response)


@router.put("/articles/{article_id}", response=ArticleDetailOut,
            summary="Change the draft, or start a new version of a published article "
                    "(If-Match)")
def edit(request: HttpRequest, article_id: int, payload: ArticleIn,
         response: HttpResponse) -> Article:
    actor = actor_of(request)
    actions.edit_article(actor=actor, article_id=article_id, content=payload.content(),
                         expected_version=if_match(request))
    return _detail(get_article(actor, article_id), response)


@router.post("/articles/{article_id}/submit", response=ArticleDetailOut,
             summary="Send the draft to review (If-Match)")
def submit(request: HttpRequest, article_id: int, response: HttpResponse) -> Article:
    actor = actor_of(request)
    actions.submit_article(actor=actor, article_id=article_id,
                           expected_version=if_match(request))
    return _detail(get_article(actor, article_id), response)


@router.post("/articles/{article_id}/review", response=ArticleDetailOut,
             summary="Approve (publish) or reject the version in review; never your own")
def review(request: HttpRequest, article_id: int, payload: ArticleReviewIn,
           response: HttpResponse) -> Article:
    actor = actor_of(request)
    if payload.decision not in ("approve", "reject"):
        raise InvalidInput("审核结论只能是通过或驳回", "decision is approve or reject",
                           fields={"decision": ["approve | reject"]})
    step = actions.approve_article if payload.decision == "approve" else actions.reject_article
    step(actor=actor, article_id=article_id, comment=payload.comment,
         expected_version=if_match(request))
    return _detail(get_article(actor, article_id), response)


@router.post("/articles/{article_id}/withdraw", response=ArticleDetailOut,
             summary="Take a published article away from readers (If-Match)")
def withdraw(request: HttpRequest, article_id: int, payload: ArticleWithdrawIn,
             response: HttpResponse) -> Article:
    actor = actor_of(request)
    actions.withdraw_article(actor=actor, article_id=article_id, reason=payload.reason,
                             expected_version=if_match(request))
    return _detail(get_article(actor, article_id), response)


@router.post("/articles/{article_id}/feedback", response={204: None},
             summary="Helpful or not")
def feedback(request: HttpRequest, article_id: int, payload: ArticleFeedbackIn) -> Status[None]:
    actions.record_feedback(actor=actor_of(request), article_id=article_id,
                            is_helpful=payload.helpful, comment=payload.comment)
    return Status(204, None)


@router.get("/deflection", response=DeflectionOut,
            summary="Questions solved on the portal without an agent")
def deflection_figure(request: HttpRequest, q: Query[DeflectionQuery]) -> dict[str, Any]:
    actor_of(request)
    until = q.until or timezone.localdate()
    since = q.since or until - timedelta(days=30)
    figures = deflection(since=since, until=until)
    return {"since": since, "until": until, "sessions": figures.sessions,
            "solved": figures.solved, "escalated": figures.escalated, "rate": figures.rate}
