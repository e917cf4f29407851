"""The knowledge pages: the editor's form and its errors, the reviewer's buttons, the diff,
the desk, search with a miss counted, the article picker on a work order, and the portal's
FAQ with "this solved it" and "still need help"."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from kefu.knowledge import actions
from kefu.knowledge.choices import ArticleStatus
from kefu.knowledge.models import Article, ArticleCitation, SearchMiss, SelfServiceSession
from kefu.workorders import actions as wo_actions
from tests.conftest import World, intake
from tests.test_knowledge import BROADBAND, published

FORM = {"title": "携号转网办理条件", "category": "K0201", "audience": "public",
        "tags": "携号转网，条件", "body": "<p>在网满90天且无欠费即可办理携号转网。</p>",
        "valid_from": "", "valid_to": ""}


def test_an_editor_writes_and_a_reviewer_publishes_in_the_console(world: World) -> None:
    editor, reviewer = world.client_for("editor"), world.client_for("reviewer")
    answer = editor.post(reverse("console:article_new"), FORM)
    assert answer.status_code == 302
    article = Article.objects.get()
    # The list shows the draft to its editor, in both languages (a draft has no category yet
    # on the list, as it has no published version).
    for language in ("zh-hans", "en"):
        listing = editor.get(reverse("console:knowledge"), HTTP_ACCEPT_LANGUAGE=language)
        assert listing.status_code == 200 and "携号转网办理条件" in listing.content.decode()
    page = editor.get(answer["Location"]).content.decode()
    assert "提交审核" in page and "审核通过并发布" not in page

    editor.post(reverse("console:article_submit", args=[article.pk]),
                {"version": article.version + 0})
    article.refresh_from_db()
    # The author sees no review buttons; the reviewer does.
    assert "审核通过并发布" not in editor.get(reverse("console:article",
                                                      args=[article.pk])).content.decode()
    desk = reviewer.get(reverse("console:knowledge_desk")).content.decode()
    assert "携号转网办理条件" in desk
    refused = reviewer.post(reverse("console:article_review", args=[article.pk]),
                            {"decision": "reject", "comment": "", "version": article.version})
    assert refused.status_code == 422 and "请填写驳回意见" in refused.content.decode()
    reviewer.post(reverse("console:article_review", args=[article.pk]),
                  {"decision": "approve", "comment": "", "version": article.version})
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED


def test_the_form_keeps_what_was_typed_and_marks_the_field(world: World) -> None:
    editor = world.client_for("editor")
    answer = editor.post(reverse("console:article_new"), {**FORM, "category": "NOPE",
                                                          "title": "长" * 201})
    page = answer.content.decode()
    assert answer.status_code == 422
    assert "unknown category" in page and "max 200" in page
    assert "在网满90天" in page  # the body survives
    assert Article.objects.count() == 0


def test_agents_cannot_open_the_writing_form(world: World) -> None:
    answer = world.client_for("agent").get(reverse("console:article_new"))
    assert answer.status_code == 403


def test_console_search_marks_hits_and_counts_misses(world: World) -> None:
    published(world)
    agent = world.client_for("agent")
    page = agent.get(reverse("console:knowledge"), {"q": "光猫"}).content.decode()
    assert "<mark>光猫</mark>" in page
    agent.get(reverse("console:knowledge"), {"q": "国际漫游"})
    assert SearchMiss.objects.get().query == "国际漫游"
    long = agent.get(reverse("console:knowledge"), {"q": "宽" * 10_000})
    assert long.status_code == 422 and "搜索词过长" in long.content.decode()


def test_the_diff_between_versions(world: World) -> None:
    article = published(world)
    actions.edit_article(actor=world.editor, article_id=article.pk, content=type(BROADBAND)(
        **{**BROADBAND.__dict__, "body": "<p>请通过APP报修。</p>"}))
    page = world.client_for("editor").get(
        reverse("console:article_diff", args=[article.pk]), {"a": 1, "b": 2}).content.decode()
    assert "v1" in page and "v2" in page and "APP" in page and "diff_add" in page


def test_the_work_order_suggests_articles_and_cites_their_version(world: World) -> None:
    article = published(world)
    wo, _ = wo_actions.create_work_order(actor=world.agent, intake=intake(
        world, kind="consultation", title="宽带断网怎么报修", content="家里宽带断网了"))
    agent = world.client_for("agent")
    page = agent.get(reverse("console:detail", args=[wo.pk])).content.decode()
    assert "宽带报修流程" in page and 'name="article_ids"' in page
    wo.refresh_from_db()
    answer = agent.post(reverse("console:cite", args=[wo.pk]),
                        {"article_ids": [article.pk], "version": wo.version})
    assert answer.status_code == 302
    assert ArticleCitation.objects.get(work_order=wo).version_number == 1
    page = agent.get(reverse("console:detail", args=[wo.pk])).content.decode()
    assert f"KB-{article.pk} v1" in page


def test_the_portal_faq_solves_a_question_without_an_agent(world: World) -> None:
    article = published(world)
    visitor = Client()
    page = visitor.get(reverse("portal:faq"), {"q": "宽带报修"}).content.decode()
    assert "宽带报修流程" in page and "<mark>" in page
    page = visitor.get(reverse("portal:faq_article", args=[article.pk])).content.decode()
    assert "<script" not in page and "重启光猫" in page
    visitor.post(reverse("portal:faq_solved", args=[article.pk]))
    [session] = SelfServiceSession.objects.all()
    assert session.solved_by_id == article.pk and session.query == "宽带报修"


def test_still_need_help_starts_a_consultation_with_the_question(world: World) -> None:
    published(world)
    customer = world.client_for("customer")
    customer.get(reverse("portal:faq"), {"q": "国际漫游怎么开通"})
    answer = customer.get(reverse("portal:new"), {"kind": "consultation", "from_faq": "1",
                                                  "title": "国际漫游怎么开通",
                                                  "content": "国际漫游怎么开通"})
    page = answer.content.decode()
    assert 'value="consultation" selected' in page and "国际漫游怎么开通" in page
    done = customer.post(reverse("portal:new"), {
        "kind": "consultation", "title": "国际漫游怎么开通", "content": "下周去日本",
        "from_faq": "1"})
    assert done.status_code == 302
    session = SelfServiceSession.objects.get()
    assert session.escalated_work_order_id is not None


def test_signing_in_returns_to_the_page_asked_for(world: World) -> None:
    visitor = Client()
    answer = visitor.get(reverse("portal:new"), {"kind": "consultation"})
    assert answer.status_code == 302 and "next=%2Fportal%2Fnew%2F" in answer["Location"]
    page = visitor.get(answer["Location"]).content.decode()
    assert 'name="next" value="/portal/new/?kind=consultation"' in page
    # Only a page of the portal: never another site.
    page = visitor.get(reverse("portal:login"),
                       {"next": "https://evil.example/"}).content.decode()
    assert '<input type="hidden" name="next" value="/portal/">' in page


def test_internal_and_expired_articles_are_not_on_the_portal(world: World) -> None:
    article = published(world, type(BROADBAND)(**{**BROADBAND.__dict__,
                                                   "audience": "internal"}))
    answer = Client().get(reverse("portal:faq_article", args=[article.pk]))
    assert answer.status_code == 404




PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_pictures_are_checked_and_served_to_whoever_may_read(world: World, settings: Any,
                                                             tmp_path: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    article = published(world)
    editor = world.client_for("editor")
    url = reverse("console:article_image_upload", args=[article.pk])
    fake = SimpleUploadedFile("x.png", b"MZ\x90\x00" + b"\x00" * 64, content_type="image/png")
    refused = editor.post(url, {"file": fake})
    assert refused.status_code == 422 and "content does not match" in refused.content.decode()
    editor.post(url, {"file": SimpleUploadedFile("map.png", PNG, content_type="image/png")})
    [image] = article.images.all()
    assert b"".join(Client().get(image.url).streaming_content) == PNG  # public: anyone
    assert world.client_for("agent").get(image.url).status_code == 200
    actions.withdraw_article(actor=world.reviewer, article_id=article.pk, reason="过时")
    assert Client().get(image.url).status_code == 404
    assert world.client_for("agent").get(image.url).status_code == 404
    assert world.client_for("editor").get(image.url).status_code == 200
