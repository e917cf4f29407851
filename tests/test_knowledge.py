"""The knowledge base (信息采编): the workflow matrix, versions and their diff, expiry at the
boundary, search of articles for staff and the portal, feedback, gap list, self-service
deflection, citations on a consultation, and bad input refused with nothing changed."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from kefu.audit.models import AuditEntry
from kefu.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from kefu.knowledge import actions
from kefu.knowledge.choices import ArticleStatus, SearchPlace, VersionStatus
from kefu.knowledge.content import ArticleContent
from kefu.knowledge.models import Article, ArticleCitation, ArticleText, SearchMiss
from kefu.knowledge.queries import (
    deflection,
    diff,
    gap_list,
    get_article,
    public_articles,
    review_queue,
    search_articles,
    versions,
)
from kefu.notify.models import OutboxMessage
from kefu.search.query import SearchQuery
from kefu.sla.calendar import SHANGHAI
from kefu.workorders import actions as wo_actions
from kefu.workorders.choices import EventType
from tests.conftest import World, intake

BROADBAND = ArticleContent(
    title="宽带报修流程", category_code="K0301", audience="public", tags=("宽带", "报修"),
    body="<h2>如何报修</h2><p>宽带断网时，请先重启光猫，再拨打10000号报修。</p>"
         "<script>alert(1)</script><p onclick='x()'>维修人员24小时内上门。</p>")


def give_addresses(world: World) -> None:
    for name in ("editor", "reviewer"):
        user = world.users[name]
        user.email = f"{name}@example.com"
        user.save(update_fields=["email"])


def published(world: World, content: ArticleContent = BROADBAND) -> Article:
    article = actions.create_article(actor=world.editor, content=content)
    actions.submit_article(actor=world.editor, article_id=article.pk)
    actions.approve_article(actor=world.reviewer, article_id=article.pk)
    article.refresh_from_db()
    return article


def titles(hits: list[Any]) -> list[str]:
    return [h.article.published.title for h in hits]


def test_a_draft_is_reviewed_by_someone_else_and_published(world: World) -> None:
    give_addresses(world)
    article = actions.create_article(actor=world.editor, content=BROADBAND)
    assert article.status == ArticleStatus.DRAFT
    [v1] = versions(article)
    assert "<script>" not in v1.body and "onclick" not in v1.body and "<h2>" in v1.body
    assert public_articles().count() == 0

    actions.submit_article(actor=world.editor, article_id=article.pk)
    assert list(OutboxMessage.objects.filter(template="article_in_review").values_list(
        "recipient", flat=True)) == ["reviewer@example.com"]
    assert [v.article_id for v in review_queue(world.reviewer)] == [article.pk]
    # The author never reviews their own article, whatever their role.
    assert review_queue(world.editor) == []
    with pytest.raises(PermissionRefused):
        actions.approve_article(actor=world.editor, article_id=article.pk)

    actions.reject_article(actor=world.reviewer, article_id=article.pk, comment="补充上门时限")
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    assert versions(article)[0].review_comment == "补充上门时限"
    assert list(OutboxMessage.objects.filter(template="article_rejected").values_list(
        "recipient", flat=True)) == ["editor@example.com"]

    actions.submit_article(actor=world.editor, article_id=article.pk)
    actions.approve_article(actor=world.reviewer, article_id=article.pk, comment="同意")
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and article.published is not None
    assert list(public_articles()) == [article]
    assert set(AuditEntry.objects.filter(object_type="article").values_list(
        "action", flat=True)) >= {"ARTICLE_CREATED", "ARTICLE_SUBMITTED", "ARTICLE_REJECTED",
                                  "ARTICLE_APPROVED"}


@pytest.mark.parametrize(("who", "step", "refusal"), [
    ("agent", "create", PermissionRefused), ("handler", "create", PermissionRefused),
    ("reviewer", "create", PermissionRefused), ("editor", "approve", PermissionRefused),
    # Outside the article's units (it is head office's) the article is not there at all.
    ("supervisor", "approve", NotFound), ("agent", "approve", NotFound),
    ("editor", "withdraw", PermissionRefused), ("agent", "submit", PermissionRefused),
    ("sibling_handler", "approve", NotFound),
])
def test_who_may_do_what(world: World, who: str, step: str, refusal: type[Exception]) -> None:
    actor = getattr(world, who)
    article = actions.create_article(actor=world.editor, content=BROADBAND)
    actions.submit_article(actor=world.editor, article_id=article.pk)
    with pytest.raises(refusal):
        if step == "create":
            actions.create_article(actor=actor, content=BROADBAND)
        elif step == "approve":
            actions.approve_article(actor=actor, article_id=article.pk)
        elif step == "submit":
            actions.submit_article(actor=actor, article_id=article.pk)
        else:
            actions.approve_article(actor=world.reviewer, article_id=article.pk)
            actions.withdraw_article(actor=actor, article_id=article.pk, reason="过时")


def test_the_manager_may_review_what_others_of_their_units_wrote(world: World) -> None:
    from kefu.orgs.choices import Role
    from tests.conftest import make_staff

    city_editor, _ = make_staff("gz-editor", Role.EDITOR, world.city)
    article = actions.create_article(actor=city_editor, content=BROADBAND)
    actions.submit_article(actor=city_editor, article_id=article.pk)
    with pytest.raises(PermissionRefused):  # the city's supervisor writes, does not publish
        actions.approve_article(actor=world.supervisor, article_id=article.pk)
    actions.approve_article(actor=world.manager, article_id=article.pk)


def test_editing_a_published_article_makes_a_version_that_needs_review(world: World) -> None:
    article = published(world)
    changed = ArticleContent(**{**BROADBAND.__dict__, "title": "宽带报修流程（新）",
                                "body": "<p>宽带断网时，请先重启光猫，再通过APP报修。</p>"})
    v2 = actions.edit_article(actor=world.editor, article_id=article.pk, content=changed)
    assert v2.number == 2 and v2.status == VersionStatus.DRAFT
    article.refresh_from_db()
    # The old version stays published until the new one is approved.
    assert article.status == ArticleStatus.PUBLISHED and article.published.number == 1
    assert titles(search_articles(None, SearchQuery.parse("报修"))) == ["宽带报修流程"]

    actions.submit_article(actor=world.editor, article_id=article.pk)
    with pytest.raises(Conflict):  # in review: no edit until reviewed
        actions.edit_article(actor=world.editor, article_id=article.pk, content=changed)
    actions.approve_article(actor=world.reviewer, article_id=article.pk)
    article.refresh_from_db()
    assert article.published.number == 2
    assert [v.status for v in versions(article)] == [VersionStatus.PUBLISHED,
                                                     VersionStatus.SUPERSEDED]
    assert titles(search_articles(None, SearchQuery.parse("APP报修"))) == ["宽带报修流程（新）"]
    old, new = versions(article)[1], versions(article)[0]
    table = diff(old, new)
    assert "10000" in table and "APP" in table and "<script" not in table


def test_expiry_at_the_end_of_validity_in_shanghai(world: World) -> None:
    give_addresses(world)
    end = datetime(2026, 12, 31, 0, 0, tzinfo=SHANGHAI)
    article = published(world, ArticleContent(**{**BROADBAND.__dict__, "valid_to": end}))
    assert actions.warn_expiring_articles(end - timedelta(days=8)) == 0
    assert actions.warn_expiring_articles(end - timedelta(days=6)) == 1
    assert actions.warn_expiring_articles(end - timedelta(days=5)) == 0  # once
    assert list(OutboxMessage.objects.filter(template="article_expiring").values_list(
        "recipient", flat=True)) == ["editor@example.com"]

    assert actions.expire_articles(end - timedelta(seconds=1)) == 0
    assert public_articles(end - timedelta(seconds=1)).count() == 1
    assert actions.expire_articles(end) == 1
    article.refresh_from_db()
    assert article.status == ArticleStatus.EXPIRED
    assert public_articles(end).count() == 0
    assert search_articles(None, SearchQuery.parse("光猫")) == []
    # Agents still find it, marked expired.
    [hit] = search_articles(world.agent, SearchQuery.parse("光猫"))
    assert hit.is_expired


def test_withdrawn_articles_leave_search(world: World) -> None:
    article = published(world)
    actions.withdraw_article(actor=world.reviewer, article_id=article.pk, reason="业务已下线")
    assert search_articles(world.agent, SearchQuery.parse("宽带")) == []
    assert not ArticleText.objects.filter(pk=article.pk).exists()
    assert get_article(world.editor, article.pk).status == ArticleStatus.WITHDRAWN
    with pytest.raises(NotFound):
        get_article(world.agent, article.pk)


@pytest.mark.parametrize(("query", "found"), [
    ("宽带报修", True), ("宽", True), ("光猫", True), ("重启光猫", True), ("10000", True),
    ("24小时上门", True), ("携号转网", False),
])
def test_chinese_queries_find_articles(world: World, query: str, found: bool) -> None:
    published(world)
    assert bool(search_articles(None, SearchQuery.parse(query))) is found


def test_internal_articles_are_for_staff_only(world: World) -> None:
    published(world, ArticleContent(**{**BROADBAND.__dict__, "audience": "internal",
                                       "title": "内部：宽带报修话术"}))
    assert search_articles(None, SearchQuery.parse("宽带")) == []
    assert search_articles(world.customer_actor, SearchQuery.parse("宽带")) == []
    assert titles(search_articles(world.agent, SearchQuery.parse("宽带"))) == ["内部：宽带报修话术"]


def test_a_sibling_units_article_is_not_in_scope(world: World) -> None:
    from kefu.orgs.choices import Role
    from tests.conftest import make_staff

    sibling_editor, _ = make_staff("sz-editor", Role.EDITOR, world.sibling)
    article = actions.create_article(actor=sibling_editor, content=ArticleContent(
        **{**BROADBAND.__dict__, "audience": "internal", "title": "深圳宽带"}))
    actions.submit_article(actor=sibling_editor, article_id=article.pk)
    actions.approve_article(actor=world.reviewer, article_id=article.pk)  # head office
    assert search_articles(world.agent, SearchQuery.parse("深圳宽带")) == []
    assert titles(search_articles(world.manager, SearchQuery.parse("深圳宽带"))) == ["深圳宽带"]


def test_feedback_views_and_the_gap_list(world: World) -> None:
    article = published(world)
    actions.record_feedback(actor=None, article_id=article.pk, is_helpful=True,
                            place=SearchPlace.PORTAL)
    actions.record_feedback(actor=world.agent, article_id=article.pk, is_helpful=False,
                            comment="没说上门时间")
    actions.record_view(article.pk)
    article.refresh_from_db()
    assert (article.helpful_count, article.unhelpful_count, article.view_count) == (1, 1, 1)
    for _ in range(3):
        actions.record_search_miss(place=SearchPlace.PORTAL, query="  国际  漫游 ")
    actions.record_search_miss(place=SearchPlace.CONSOLE, query="国际 漫游")
    assert SearchMiss.objects.get(place="portal").count == 3
    [row] = gap_list()
    assert row["query"] == "国际 漫游" and row["total"] == 4


def test_self_service_deflection(world: World) -> None:
    article = published(world)
    today = timezone.localdate()
    actions.start_self_service(key="s1", query="宽带")
    actions.mark_solved(key="s1", article_id=article.pk)
    actions.mark_solved(key="s1", article_id=article.pk)  # counted once
    actions.start_self_service(key="s2", query="漫游")
    actions.mark_escalated(key="s2", work_order_id=1)
    figures = deflection(since=today, until=today)
    assert (figures.sessions, figures.solved, figures.escalated) == (2, 1, 1)
    assert figures.rate == 0.5


def test_a_consultation_cites_the_version_it_read(world: World) -> None:
    article = published(world)
    wo, _ = wo_actions.create_work_order(actor=world.agent, intake=intake(
        world, kind="consultation", title="宽带怎么报修", content="宽带断网了怎么报修"))
    actions.cite_articles(actor=world.agent, work_order_id=wo.pk, article_ids=[article.pk])
    citation = ArticleCitation.objects.get(work_order=wo)
    assert (citation.article_id, citation.version_number) == (article.pk, 1)
    event = wo.events.get(event_type=EventType.ARTICLES_CITED)
    assert event.data == {"articles": [{"article": article.pk, "version": 1}]}
    with pytest.raises(Conflict):
        actions.cite_articles(actor=world.agent, work_order_id=wo.pk, article_ids=[article.pk])
    with pytest.raises(NotFound):
        actions.cite_articles(actor=world.sibling_handler, work_order_id=wo.pk,
                              article_ids=[article.pk])


@pytest.mark.parametrize(("change", "field"), [
    ({"title": ""}, "title"), ({"title": "长" * 201}, "title"),
    ({"body": ""}, "body"), ({"body": "<script>alert(1)</script>"}, "body"),
    ({"body": "宽" * 100_001}, "body"), ({"category_code": "NOPE"}, "category"),
    ({"valid_from": datetime(2026, 5, 1, tzinfo=SHANGHAI),
      "valid_to": datetime(2026, 4, 1, tzinfo=SHANGHAI)}, "valid_to"),
    ({"audience": "everyone"}, "audience"), ({"tags": tuple(f"t{i}" for i in range(11))}, "tags"),
])
def test_bad_articles_are_refused_and_change_nothing(world: World, change: dict[str, Any],
                                                     field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        actions.create_article(actor=world.editor,
                               content=ArticleContent(**{**BROADBAND.__dict__, **change}))
    assert field in refused.value.fields
    assert Article.objects.count() == 0


def test_reindex_articles(world: World) -> None:
    from django.core.management import call_command

    published(world)
    ArticleText.objects.all().delete()
    assert search_articles(None, SearchQuery.parse("光猫")) == []
    call_command("reindex", "articles", stdout=io.StringIO())
    assert len(search_articles(None, SearchQuery.parse("光猫"))) == 1
