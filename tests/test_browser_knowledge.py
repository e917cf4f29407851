"""An editor drafts an FAQ article in Debian's chromium, the reviewer rejects it with a
comment and approves the corrected version, and a customer on a phone finds it on the
portal by a Chinese query and marks the question solved."""

from __future__ import annotations

from typing import Any

from kefu.knowledge.models import Article, SelfServiceSession
from tests.conftest import World
from tests.test_browser import browser, pytestmark, shot, sign_in  # noqa: F401  (fixture, marks)


def test_editor_drafts_reviewer_publishes_customer_finds_it(
        world: World, live_server: Any, browser: Any) -> None:  # noqa: F811
    base = live_server.url
    editor = sign_in(browser, base, "editor")
    editor.click("nav >> text=知识库")
    editor.click("text=新建文章")
    editor.fill("#a-title", "携号转网需要什么条件")
    editor.select_option("#a-category", "K0201")
    editor.select_option("#a-audience", "public")
    editor.fill("#a-tags", "携号转网，条件")
    editor.fill("#a-body", "<p>号码已实名登记、无欠费即可办理携号转网。</p>"
                           "<script>alert('x')</script>")
    editor.click("#article-form button[type=submit]")
    editor.wait_for_selector("h1 >> text=携号转网需要什么条件")
    assert "alert" not in editor.inner_text(".article-body")
    editor.click("text=提交审核")
    editor.wait_for_selector("text=待审核")
    # The author is offered no review.
    assert editor.locator("text=审核通过并发布").count() == 0

    reviewer = sign_in(browser, base, "reviewer")
    reviewer.goto(f"{base}/console/knowledge/desk/")
    reviewer.click("#review-queue >> text=携号转网需要什么条件")
    reviewer.fill("#rv-comment", "请写明合约未到期的情况")
    reviewer.click("button[value=reject]")
    reviewer.wait_for_selector("text=请写明合约未到期的情况")

    editor.reload()
    editor.click("text=编辑草稿")
    editor.fill("#a-body", "<p>号码已实名登记、无欠费，合约已到期或已按约定处理，即可办理"
                           "携号转网。</p>")
    editor.click("#article-form button[type=submit]")
    editor.click("text=提交审核")

    reviewer.reload()
    reviewer.click("button[value=approve]")
    reviewer.wait_for_selector("h1 >> text=已发布")
    article = Article.objects.get()
    assert article.status == "published"
    shot(reviewer, "knowledge-article")

    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    phone.goto(f"{base}/portal/faq/")
    phone.fill("#faq-q", "携号转网")
    phone.click("form.faq-search button[type=submit]")
    phone.wait_for_selector("mark >> text=携号转网")
    phone.click("text=携号转网需要什么条件")
    phone.wait_for_selector("text=合约已到期")
    solved = phone.locator("#solved button.primary")
    box = solved.bounding_box()
    assert box is not None and box["height"] >= 44
    solved.click()
    phone.wait_for_selector("text=很高兴帮到您")
    shot(phone, "portal-faq")
    session = SelfServiceSession.objects.get()
    assert session.solved_by_id == article.pk and session.query == "携号转网"
