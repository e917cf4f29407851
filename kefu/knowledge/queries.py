"""Reads of the knowledge base, always through the reader's scope: staff read the articles
of their unit's line (head office's, their province's, their city's…) and of the units
below it, editors and reviewers work on those of their units; customers read what is
public, published and valid."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from kefu.errors import NotFound
from kefu.knowledge.choices import ArticleStatus, Audience, VersionStatus
from kefu.knowledge.content import plain_text
from kefu.knowledge.models import (
    Article,
    ArticleCategory,
    ArticleImage,
    ArticleText,
    ArticleVersion,
    SearchMiss,
    SelfServiceSession,
)
from kefu.orgs.actors import Actor
from kefu.orgs.queries import unit_line
from kefu.search import backends
from kefu.search.query import SearchQuery, snippet

# Readers see these states; drafts and reviews are the editors' business.
READABLE = (ArticleStatus.PUBLISHED, ArticleStatus.EXPIRED)


def _line(actor: Actor) -> Q:
    """The articles of the actor's unit, the units above it and the units below it."""
    return (Q(owner_unit__path__in=unit_line(actor.unit_path))
            | Q(owner_unit__path__startswith=actor.unit_path))


def scoped_articles(actor: Actor) -> QuerySet[Article]:
    if actor.is_system:
        return Article.objects.all()
    if not actor.is_staff:
        return public_articles()
    return Article.objects.filter(_line(actor))


def editable_articles(actor: Actor) -> QuerySet[Article]:
    """The articles an editor or reviewer works on: those of their units."""
    if actor.is_system:
        return Article.objects.all()
    if not actor.is_staff:
        return Article.objects.none()
    return Article.objects.filter(owner_unit__path__startswith=actor.unit_path)


def public_articles(now: datetime | None = None) -> QuerySet[Article]:
    """What the portal shows: published for the public and inside its validity."""
    now = now or timezone.now()
    return Article.objects.filter(
        status=ArticleStatus.PUBLISHED, audience=Audience.PUBLIC,
        published__valid_from__lte=now).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=now))


def get_article(actor: Actor, article_id: int) -> Article:
    article = (scoped_articles(actor).select_related("published", "published__category",
                                                      "owner_unit", "created_by")
               .filter(pk=article_id).first())
    if article is None or (not actor.is_system and not actor.is_staff
                           and article.status not in READABLE):
        raise NotFound("文章不存在", "No such article")
    if article.status not in READABLE and not editable_articles(actor).filter(
            pk=article_id).exists():
        raise NotFound("文章不存在", "No such article")
    return article


def get_public_article(article_id: int) -> Article:
    article = (public_articles().select_related("published", "published__category")
               .filter(pk=article_id).first())
    if article is None:
        raise NotFound("文章不存在", "No such article")
    return article


def image_for(user: object, image_id: int) -> ArticleImage:
    """An article's picture for whoever asks: staff who may read the article, anyone while
    the article is public and published; NotFound otherwise."""
    from kefu.orgs.actors import NotAnActor, actor_for_user

    try:
        actor: Actor | None = actor_for_user(user)  # type: ignore[arg-type]
    except NotAnActor:
        actor = None
    readable = (scoped_articles(actor).filter(status__in=READABLE) | editable_articles(actor)
                if actor is not None and actor.is_staff else public_articles())
    image = ArticleImage.objects.filter(pk=image_id, article__in=readable).first()
    if image is None:
        raise NotFound("图片不存在", "No such picture")
    return image


def versions(article: Article) -> list[ArticleVersion]:
    return list(article.versions.select_related("author", "reviewed_by", "category")
                .order_by("-number"))


def latest_version(article: Article) -> ArticleVersion:
    version = article.versions.order_by("-number").first()
    assert version is not None
    return version


def list_articles(actor: Actor, *, status: str | None = None, category_id: int | None = None,
                  limit: int = 100) -> list[Article]:
    qs = scoped_articles(actor) if status in (None, *READABLE) else editable_articles(actor)
    if status:
        qs = qs.filter(status=status)
    elif not actor.is_system:
        qs = qs.filter(Q(status__in=READABLE) | Q(pk__in=editable_articles(actor)))
    if category_id:
        qs = qs.filter(published__category_id=category_id)
    return list(qs.select_related("published", "published__category", "owner_unit")
                .order_by("-id")[:limit])


def titles(articles: list[Article]) -> dict[int, str]:
    """Each article's current title: the published one, or the latest draft's."""
    found = {a.pk: a.published.title for a in articles if a.published}
    missing = [a.pk for a in articles if a.pk not in found]
    for article_id, title in (ArticleVersion.objects.filter(article_id__in=missing)
                              .order_by("article_id", "number")
                              .values_list("article_id", "title")):
        found[article_id] = title
    return found


def review_queue(actor: Actor) -> list[ArticleVersion]:
    """Versions waiting for review in the actor's units, not written by them."""
    return list(ArticleVersion.objects.filter(
        status=VersionStatus.IN_REVIEW, article__in=editable_articles(actor))
        .exclude(author_id=actor.staff_id).exclude(article__created_by_id=actor.staff_id)
        .select_related("article", "author", "category").order_by("submitted_at", "id"))


def expiring(actor: Actor, *, days: int = 7, now: datetime | None = None) -> list[Article]:
    now = now or timezone.now()
    return list(editable_articles(actor).filter(
        status=ArticleStatus.PUBLISHED, valid_to__gt=now,
        valid_to__lte=now + timedelta(days=days))
        .select_related("published").order_by("valid_to"))


def categories() -> list[ArticleCategory]:
    return list(ArticleCategory.objects.order_by("sort_order", "code"))


def diff(old: ArticleVersion, new: ArticleVersion) -> SafeString:
    """Side by side, line by line, what changed between two versions (title and text)."""
    def lines(v: ArticleVersion) -> list[str]:
        return [v.title, *plain_text(v.body).splitlines()]

    table = difflib.HtmlDiff(wrapcolumn=60).make_table(
        lines(old), lines(new), f"v{old.number}", f"v{new.number}", context=False)
    # HtmlDiff escapes the text it lays out; the table is its own markup.
    return mark_safe(table)


@dataclass(frozen=True)
class ArticleHit:
    article: Article
    rank: float
    snippet: SafeString
    is_expired: bool


def search_articles(actor: Actor | None, query: SearchQuery, *, limit: int = 20,
                    now: datetime | None = None) -> list[ArticleHit]:
    """Ranked articles for a query: staff search what they may read (expired ones marked),
    the portal (`actor` None or a customer) the public FAQ only. The words are tried first,
    the characters in a row for the rest."""
    qs = (scoped_articles(actor).filter(status__in=READABLE)
          if actor is not None and (actor.is_staff or actor.is_system)
          else public_articles(now))
    limit = max(1, min(limit, 50))
    rows = _ranked_articles(qs, query.first_words(), limit)
    if len(rows) < limit:
        rows += _ranked_articles(qs.exclude(pk__in=[a.pk for a in rows]), query,
                                 limit - len(rows))
    return [ArticleHit(a, float(getattr(a, "search_rank", 0.0)),
                       snippet(plain_text(a.published.body) if a.published else "", query),
                       a.status == ArticleStatus.EXPIRED) for a in rows]


def _ranked_articles(qs: QuerySet[Article], query: SearchQuery, limit: int) -> list[Article]:
    return list(qs.extra(**backends.joined(connection, ArticleText, query,
                                           f"{Article._meta.db_table}.id"))
                .select_related("published", "published__category")
                .order_by("-search_rank", "-id")[:limit])


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def gap_list(*, weeks: int = 8, today: date | None = None) -> list[dict[str, object]]:
    """The searches that found nothing, by week, the most frequent first."""
    today = today or timezone.localdate()
    since = monday(today) - timedelta(weeks=weeks - 1)
    return list(SearchMiss.objects.filter(week__gte=since)
                .values("week", "query").annotate(total=Sum("count"))
                .order_by("-week", "-total", "query")[:500])


@dataclass(frozen=True)
class Deflection:
    sessions: int
    solved: int
    escalated: int

    @property
    def rate(self) -> float | None:
        """Solved without an agent ÷ self-service sessions."""
        return self.solved / self.sessions if self.sessions else None


def deflection(*, since: date, until: date) -> Deflection:
    """Self-service sessions from `since` up to and including `until`."""
    counts = SelfServiceSession.objects.filter(day__gte=since, day__lte=until).aggregate(
        sessions=Count("id"), solved=Count("id", filter=Q(solved_at__isnull=False)),
        escalated=Count("id", filter=Q(escalated_work_order_id__isnull=False)))
    return Deflection(counts["sessions"], counts["solved"], counts["escalated"])

