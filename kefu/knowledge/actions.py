"""Every change to the knowledge base (信息采编): write, submit, approve or reject, withdraw,
expire; feedback, views, misses and self-service; and the citation of articles on a work
order, which goes through the work-order kernel. Each change runs in one transaction with
the article's event, its audit entry and, where someone must act, an outbox message."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from kefu.audit.actions import record_audit
from kefu.audit.choices import AuditAction
from kefu.audit.refusals import audits_refusals
from kefu.errors import REQUIRED, Conflict, InvalidInput, NotFound, StaleVersion
from kefu.file_types import Readable, content_matches
from kefu.knowledge.choices import ArticleStatus, SearchPlace, VersionStatus
from kefu.knowledge.content import ArticleContent, content_problems, plain_text, sanitise
from kefu.knowledge.models import (
    Article,
    ArticleCategory,
    ArticleCitation,
    ArticleEvent,
    ArticleFeedback,
    ArticleImage,
    ArticleText,
    ArticleVersion,
    SearchMiss,
    SelfServiceSession,
)
from kefu.knowledge.permissions import (
    can_cite_articles,
    can_review_article,
    can_withdraw_article,
    can_write_articles,
)
from kefu.knowledge.queries import editable_articles, latest_version, monday, scoped_articles
from kefu.notify.actions import enqueue_message
from kefu.notify.choices import MessageChannel
from kefu.orgs.actors import SYSTEM, Actor
from kefu.orgs.choices import Role
from kefu.orgs.models import OrgUnit, Staff
from kefu.orgs.queries import unit_line
from kefu.search import index
from kefu.workorders.choices import EventType
from kefu.workorders.models import WorkOrder
from kefu.workorders.steps import (
    audit_work_order,
    lock_work_order,
    record_event,
    touch,
    work_order_change,
)

# Editors are warned this many days before an article's validity ends.
EXPIRY_WARNING_DAYS = 7
MAX_COMMENT = 2000


# --- writing and review -------------------------------------------------------------------


@audits_refusals
def create_article(*, actor: Actor, content: ArticleContent,
                   owner_unit_id: int | None = None) -> Article:
    """A new article, its first version a draft kept by the actor's unit (or one below)."""
    can_write_articles(actor).enforce()
    category = _checked(content)
    unit = _owner_unit(actor, owner_unit_id)
    now = timezone.now()
    with transaction.atomic():
        article = Article.objects.create(owner_unit=unit, created_by_id=_staff_id(actor),
                                         created_at=now, audience=content.audience)
        version = _new_version(article, 1, content, category, actor, now)
        _event(article, version, actor, "created")
        _audit(actor, AuditAction.ARTICLE_CREATED, article, version)
    return article


@audits_refusals
def edit_article(*, actor: Actor, article_id: int, content: ArticleContent,
                 expected_version: int | None = None) -> ArticleVersion:
    """Change the draft; on a published (or expired, withdrawn) article, start a new version
    that needs review while the published one stays as it is."""
    can_write_articles(actor).enforce()
    category = _checked(content)
    with transaction.atomic():
        article = _lock(actor, article_id, expected_version)
        latest = latest_version(article)
        if latest.status == VersionStatus.IN_REVIEW:
            raise Conflict("该版本正在审核，审核完成前不能修改",
                           "This version is in review; it cannot change until reviewed")
        now = timezone.now()
        if latest.status == VersionStatus.DRAFT:
            _fill(latest, content, category)
            latest.author_id = _staff_id(actor)
            latest.save()
            version = latest
        else:
            version = _new_version(article, latest.number + 1, content, category, actor, now)
        _touch(article)
        _event(article, version, actor, "edited")
        _audit(actor, AuditAction.ARTICLE_EDITED, article, version)
    return version


@audits_refusals
def submit_article(*, actor: Actor, article_id: int,
                   expected_version: int | None = None) -> ArticleVersion:
    """Send the draft to review; the reviewers of the article's units are told."""
    can_write_articles(actor).enforce()
    with transaction.atomic():
        article = _lock(actor, article_id, expected_version)
        version = latest_version(article)
        if version.status != VersionStatus.DRAFT:
            raise Conflict("没有待提交的草稿", "There is no draft to submit")
        version.status = VersionStatus.IN_REVIEW
        version.submitted_at = timezone.now()
        version.save(update_fields=["status", "submitted_at"])
        if article.published_id is None:
            article.status = ArticleStatus.IN_REVIEW
        _touch(article, "status")
        _event(article, version, actor, "submitted")
        _audit(actor, AuditAction.ARTICLE_SUBMITTED, article, version)
        for email in _reviewer_emails(article):
            enqueue_message(channel=MessageChannel.EMAIL, recipient=email,
                            template="article_in_review",
                            context={"article": str(article), "title": version.title})
    return version


@audits_refusals
def approve_article(*, actor: Actor, article_id: int, comment: str = "",
                    expected_version: int | None = None) -> ArticleVersion:
    """Publish the version in review: it replaces the published one, readers and search see
    it from now on. Never by its author."""
    with transaction.atomic():
        article = _lock(actor, article_id, expected_version)
        version = _in_review(article)
        can_review_article(actor, article, version).enforce()
        now = timezone.now()
        if article.published_id is not None:
            ArticleVersion.objects.filter(pk=article.published_id).update(
                status=VersionStatus.SUPERSEDED)
        version.status = VersionStatus.PUBLISHED
        version.reviewed_by_id = actor.staff_id
        version.reviewed_at = version.published_at = now
        version.review_comment = comment.strip()[:MAX_COMMENT]
        version.save()
        article.published = version
        article.audience = version.audience
        article.valid_to = version.valid_to
        article.expiry_warned_at = None
        article.withdrawn_reason = ""
        article.status = (ArticleStatus.EXPIRED if version.valid_to and version.valid_to <= now
                          else ArticleStatus.PUBLISHED)
        _touch(article, "published", "audience", "valid_to", "expiry_warned_at",
               "withdrawn_reason", "status")
        _index(article, version)
        _event(article, version, actor, "approved", version.review_comment)
        _audit(actor, AuditAction.ARTICLE_APPROVED, article, version)
        _tell_author(version, "article_approved", article)
    return version


@audits_refusals
def reject_article(*, actor: Actor, article_id: int, comment: str,
                   expected_version: int | None = None) -> ArticleVersion:
    """Send the version back to its author as a draft, with the reviewer's comment."""
    comment = comment.strip()
    if not comment:
        raise InvalidInput("请填写驳回意见", "Give the reason for rejecting",
                           fields={"comment": [REQUIRED]})
    with transaction.atomic():
        article = _lock(actor, article_id, expected_version)
        version = _in_review(article)
        can_review_article(actor, article, version).enforce()
        version.status = VersionStatus.DRAFT
        version.reviewed_by_id = actor.staff_id
        version.reviewed_at = timezone.now()
        version.review_comment = comment[:MAX_COMMENT]
        version.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
        if article.published_id is None:
            article.status = ArticleStatus.DRAFT
        _touch(article, "status")
        _event(article, version, actor, "rejected", version.review_comment)
        _audit(actor, AuditAction.ARTICLE_REJECTED, article, version)
        _tell_author(version, "article_rejected", article, comment=version.review_comment)
    return version


@audits_refusals
def withdraw_article(*, actor: Actor, article_id: int, reason: str,
                     expected_version: int | None = None) -> Article:
    """Take a published (or expired) article away from readers and search, with the reason;
    a version waiting for review is given up with it."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("请填写撤回原因", "Give the reason for withdrawing",
                           fields={"reason": [REQUIRED]})
    with transaction.atomic():
        article = _lock(actor, article_id, expected_version)
        can_withdraw_article(actor).enforce()
        if article.status not in (ArticleStatus.PUBLISHED, ArticleStatus.EXPIRED):
            raise Conflict("只有已发布或已过期的文章可以撤回",
                           "Only a published or expired article can be withdrawn")
        article.versions.filter(status=VersionStatus.IN_REVIEW).update(
            status=VersionStatus.DISCARDED)
        article.status = ArticleStatus.WITHDRAWN
        article.withdrawn_reason = reason[:MAX_COMMENT]
        _touch(article, "status", "withdrawn_reason")
        index.remove(ArticleText, [article.pk])
        _event(article, None, actor, "withdrawn", article.withdrawn_reason)
        _audit(actor, AuditAction.ARTICLE_WITHDRAWN, article, None, reason=reason)
    return article


# The pictures an article may show, by type, with the file name they are stored under.
_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif",
               "image/webp": ".webp"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024


@audits_refusals
def add_article_image(*, actor: Actor, article_id: int, name: str, content_type: str,
                      stream: Readable) -> ArticleImage:
    """A picture for the article, checked by its content (never its name alone)."""
    can_write_articles(actor).enforce()
    data = stream.read(MAX_IMAGE_BYTES + 1)
    problem = ("max 5 MB" if len(data) > MAX_IMAGE_BYTES else "empty" if not data
               else "jpeg, png, gif or webp" if content_type not in _EXTENSIONS
               else "content does not match the type"
               if not content_matches(content_type, data) else "")
    if problem:
        raise InvalidInput("图片不符合要求", "The picture is not accepted",
                           fields={"file": [problem]})
    with transaction.atomic():
        article = _lock(actor, article_id, None)
        image = ArticleImage(article=article, original_name=name[:255] or "image",
                             content_type=content_type, size=len(data),
                             sha256=hashlib.sha256(data).hexdigest(),
                             uploaded_at=timezone.now(), uploaded_by_name=actor.name)
        image.file.save(f"{secrets.token_hex(16)}{_EXTENSIONS[content_type]}",
                        ContentFile(data), save=False)
        image.save()
        _touch(article)
        _event(article, None, actor, "image_added", image.original_name)
        _audit(actor, AuditAction.ARTICLE_EDITED, article, None, image=image.pk,
               sha256=image.sha256)
    return image



# --- the periodic jobs --------------------------------------------------------------------


def expire_articles(now: datetime | None = None) -> int:
    """Articles whose validity has ended leave the portal; agents still find them, marked
    expired. Each in its own transaction; returns how many expired."""
    now = now or timezone.now()
    due = list(Article.objects.filter(status=ArticleStatus.PUBLISHED, valid_to__lte=now)
               .values_list("pk", flat=True)[:1000])
    expired = 0
    for article_id in due:
        with transaction.atomic():
            article = (Article.objects.select_for_update()
                       .filter(pk=article_id, status=ArticleStatus.PUBLISHED,
                               valid_to__lte=now).first())
            if article is None:
                continue  # another worker took it
            article.status = ArticleStatus.EXPIRED
            _touch(article, "status")
            _event(article, None, SYSTEM, "expired")
            _audit(SYSTEM, AuditAction.ARTICLE_EXPIRED, article, None,
                   valid_to=article.valid_to.isoformat() if article.valid_to else None)
            expired += 1
    return expired


def warn_expiring_articles(now: datetime | None = None, *,
                           days: int = EXPIRY_WARNING_DAYS) -> int:
    """Tell the editors of each article whose validity ends within `days`, once."""
    now = now or timezone.now()
    due = list(Article.objects.filter(
        status=ArticleStatus.PUBLISHED, valid_to__gt=now,
        valid_to__lte=now + timedelta(days=days), expiry_warned_at__isnull=True)
        .values_list("pk", flat=True)[:1000])
    warned = 0
    for article_id in due:
        with transaction.atomic():
            article = (Article.objects.select_for_update(of=("self",))
                       .select_related("published")
                       .filter(pk=article_id, expiry_warned_at__isnull=True).first())
            if article is None or article.published is None:
                continue
            article.expiry_warned_at = now
            _touch(article, "expiry_warned_at")
            _event(article, article.published, SYSTEM, "expiry_warned")
            _audit(SYSTEM, AuditAction.ARTICLE_EXPIRY_WARNED, article, article.published)
            assert article.valid_to is not None
            _tell_author(article.published, "article_expiring", article,
                         valid_to=timezone.localtime(article.valid_to).strftime("%Y-%m-%d %H:%M"))
            warned += 1
    return warned


def reindex_articles(*, after_id: int = 0, batch: int = 500) -> Iterator[tuple[int, int]]:
    """Index every readable article's published version again, a batch per transaction;
    yields (last id, count) so `kefu reindex --resume` goes on where a run stopped."""
    while True:
        articles = list(Article.objects.filter(pk__gt=after_id).select_related("published")
                        .order_by("pk")[:batch])
        if not articles:
            return
        with transaction.atomic():
            readable = [a for a in articles if a.published is not None
                        and a.status in (ArticleStatus.PUBLISHED, ArticleStatus.EXPIRED)]
            for article in readable:
                assert article.published is not None
                _index(article, article.published)
            index.remove(ArticleText, [a.pk for a in articles if a not in readable])
        after_id = articles[-1].pk
        yield after_id, len(articles)


# --- readers ------------------------------------------------------------------------------


def record_view(article_id: int) -> None:
    """Count a reading: a counter, not a change of the article (no event, no audit)."""
    Article.objects.filter(pk=article_id).update(view_count=F("view_count") + 1)


def record_feedback(*, actor: Actor | None, article_id: int, is_helpful: bool,
                    comment: str = "", place: str = SearchPlace.CONSOLE) -> ArticleFeedback:
    """Helpful or not, on an article the reader may read."""
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise InvalidInput("意见过长", "The comment is too long",
                           fields={"comment": [f"max {MAX_COMMENT}"]})
    from kefu.knowledge.queries import public_articles

    readable = (scoped_articles(actor) if actor is not None and actor.is_staff
                else public_articles())
    with transaction.atomic():
        article = (readable.filter(status__in=(ArticleStatus.PUBLISHED, ArticleStatus.EXPIRED))
                   .select_for_update(of=("self",)).filter(pk=article_id).first())
        if article is None or article.published_id is None:
            raise NotFound("文章不存在", "No such article")
        counter = "helpful_count" if is_helpful else "unhelpful_count"
        Article.objects.filter(pk=article.pk).update(**{counter: F(counter) + 1})
        assert article.published is not None
        return ArticleFeedback.objects.create(
            article=article, version_number=article.published.number, is_helpful=is_helpful,
            comment=comment, place=place, at=timezone.now())


def record_search_miss(*, place: str, query: str, now: datetime | None = None) -> None:
    """Count a query that found nothing, for the editors' gap list."""
    query = " ".join(query.split())[:100]
    if not query:
        return
    week = monday(timezone.localdate(now or timezone.now()))
    with transaction.atomic():
        updated = SearchMiss.objects.filter(week=week, place=place, query=query).update(
            count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    SearchMiss.objects.create(week=week, place=place, query=query, count=1)
            except IntegrityError:  # counted by a parallel request first
                SearchMiss.objects.filter(week=week, place=place, query=query).update(
                    count=F("count") + 1)


def start_self_service(*, key: str, query: str = "",
                       now: datetime | None = None) -> SelfServiceSession:
    """A portal visitor looking for an answer: one session per browser and day."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    try:
        with transaction.atomic():
            session, _ = SelfServiceSession.objects.get_or_create(
                key=key[:64], day=day, defaults={"started_at": now, "query": query[:100]})
    except IntegrityError:
        session = SelfServiceSession.objects.get(key=key[:64], day=day)
    if query and not session.query:
        SelfServiceSession.objects.filter(pk=session.pk).update(query=query[:100])
    return session


def mark_solved(*, key: str, article_id: int, now: datetime | None = None) -> SelfServiceSession:
    """"This solved it": the question counts as answered without an agent."""
    from kefu.knowledge.queries import get_public_article

    article = get_public_article(article_id)
    now = now or timezone.now()
    session = start_self_service(key=key, now=now)
    SelfServiceSession.objects.filter(pk=session.pk, solved_at__isnull=True).update(
        solved_by=article, solved_at=now)
    session.refresh_from_db()
    return session


def mark_escalated(*, key: str, work_order_id: int) -> None:
    """"Still need help": the session ended in a consultation an agent answers."""
    session = start_self_service(key=key)
    SelfServiceSession.objects.filter(pk=session.pk).update(
        escalated_work_order_id=work_order_id)


# --- consultations ------------------------------------------------------------------------


@work_order_change
def cite_articles(*, actor: Actor, work_order_id: int, article_ids: list[int],
                  expected_version: int | None = None) -> WorkOrder:
    """The articles an answer relied on, each at the version published now (SPEC §7)."""
    can_cite_articles(actor).enforce()
    if not article_ids:
        raise InvalidInput("请选择要引用的文章", "Choose the articles to cite",
                           fields={"article_ids": [REQUIRED]})
    wo = lock_work_order(actor, work_order_id, expected_version)
    wanted = set(article_ids)
    articles = list(scoped_articles(actor).filter(
        pk__in=wanted, status__in=(ArticleStatus.PUBLISHED, ArticleStatus.EXPIRED))
        .select_related("published"))
    if missing := wanted - {a.pk for a in articles}:
        raise NotFound("文章不存在", "No such article", detail={"missing": sorted(missing)})
    already = set(wo.article_citations.values_list("article_id", flat=True))
    now = timezone.now()
    cited = [ArticleCitation(work_order=wo, article=a, version_number=a.published.number,
                             cited_at=now, cited_by_name=actor.name)
             for a in articles if a.pk not in already and a.published is not None]
    if not cited:
        raise Conflict("这些文章已经引用过", "These articles are cited already")
    ArticleCitation.objects.bulk_create(cited)
    listed = [{"article": c.article_id, "version": c.version_number} for c in cited]
    touch(wo)
    record_event(wo, actor, EventType.ARTICLES_CITED, data={"articles": listed},
                 note="、".join(f"KB-{c.article_id} v{c.version_number}" for c in cited))
    audit_work_order(wo, actor, AuditAction.ARTICLES_CITED, {"articles": listed})
    return wo


# --- the steps above ----------------------------------------------------------------------


def _checked(content: ArticleContent) -> ArticleCategory:
    problems = content_problems(content)
    category = ArticleCategory.objects.filter(code=content.category_code.strip()).first()
    if category is None:
        problems["category"] = ["unknown category"]
    if problems:
        raise InvalidInput("文章内容有误", "The article is invalid", fields=problems)
    assert category is not None
    return category


def _owner_unit(actor: Actor, unit_id: int | None) -> OrgUnit:
    from kefu.orgs.queries import list_units_in_scope

    wanted = unit_id or actor.unit_id
    unit = list_units_in_scope(actor).filter(pk=wanted).first() if wanted else None
    if unit is None:
        raise NotFound("单位不存在", "No such unit")
    return unit


def _staff_id(actor: Actor) -> int:
    """Articles are written by members of staff (the permission checks made sure)."""
    assert actor.staff_id is not None
    return actor.staff_id


def _fill(version: ArticleVersion, content: ArticleContent, category: ArticleCategory) -> None:
    version.title = content.title.strip()
    version.body = sanitise(content.body)
    version.category = category
    version.tags = sorted({t.strip() for t in content.tags if t.strip()})
    version.audience = content.audience
    version.valid_from = content.valid_from or timezone.now()
    version.valid_to = content.valid_to


def _new_version(article: Article, number: int, content: ArticleContent,
                 category: ArticleCategory, actor: Actor, now: datetime) -> ArticleVersion:
    version = ArticleVersion(article=article, number=number, author_id=_staff_id(actor),
                             created_at=now)
    _fill(version, replace(content, valid_from=content.valid_from or now), category)
    version.save()
    return version


def _lock(actor: Actor, article_id: int, expected_version: int | None) -> Article:
    article = editable_articles(actor).select_for_update(of=("self",)).filter(pk=article_id).first()
    if article is None:
        raise NotFound("文章不存在", "No such article")
    if expected_version is not None and article.version != expected_version:
        raise StaleVersion("文章已被他人修改，请刷新后重试",
                           "The article was changed by someone else; reload and try again",
                           detail={"current_version": article.version,
                                   "expected_version": expected_version})
    return article


def _in_review(article: Article) -> ArticleVersion:
    version = article.versions.filter(status=VersionStatus.IN_REVIEW).first()
    if version is None:
        raise Conflict("没有待审核的版本", "No version is waiting for review")
    return version


def _touch(article: Article, *fields: str) -> None:
    article.version += 1
    article.save(update_fields=["version", *fields])


def _index(article: Article, version: ArticleVersion) -> None:
    text = "\n".join([version.title, " ".join(version.tags), plain_text(version.body)])
    index.put(ArticleText, {article.pk: text})


def _event(article: Article, version: ArticleVersion | None, actor: Actor, action: str,
           note: str = "") -> None:
    ArticleEvent.objects.create(article=article, version_number=version.number if version
                                else None, at=timezone.now(), action=action,
                                actor_name=actor.name, actor_user_id=actor.user_id, note=note)


def _audit(actor: Actor, action: AuditAction, article: Article,
           version: ArticleVersion | None, **data: Any) -> None:
    record_audit(actor=actor, action=action, object_type="article", object_id=article.pk,
                 data={"version": version.number if version else None,
                       "status": article.status, **data})


def _reviewer_emails(article: Article) -> list[str]:
    """The reviewers of the article's unit and the units above it, with an address."""
    return sorted({e for e in Staff.objects.filter(
        role=Role.REVIEWER, unit__path__in=unit_line(article.owner_unit.path),
        user__is_active=True)
        .exclude(pk=article.created_by_id).values_list("user__email", flat=True) if e})


def _tell_author(version: ArticleVersion, template: str, article: Article,
                 **context: str) -> None:
    email = Staff.objects.filter(pk=version.author_id).values_list("user__email",
                                                                    flat=True).first()
    if email:
        enqueue_message(channel=MessageChannel.EMAIL, recipient=email, template=template,
                        context={"article": str(article), "title": version.title, **context})

