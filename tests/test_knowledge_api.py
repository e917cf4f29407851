"""The knowledge and search API: write, review and withdraw with ETags, search of articles
and of work orders in scope with masked snippets, the deflection figure, and bad input
answered 422 without a change."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from kefu.knowledge.models import Article, SearchMiss
from kefu.workorders import actions as wo_actions
from tests.conftest import World, intake

ARTICLE = {"title": "宽带报修流程", "category": "K0301", "audience": "public",
           "tags": ["宽带"], "body": "<p>宽带断网先重启光猫，再拨10000报修。</p><script>x</script>"}


def call(client: Client, method: str, url: str, body: Any = None, **headers: str) -> Any:
    return getattr(client, method)(url, data=json.dumps(body) if body is not None else None,
                                   content_type="application/json", **headers)


def test_write_review_and_publish_through_the_api(world: World) -> None:
    editor, reviewer = world.client_for("editor"), world.client_for("reviewer")
    made = call(editor, "post", "/api/knowledge/articles", ARTICLE)
    assert made.status_code == 201
    article = made.json()
    assert "<script>" not in article["versions"][0]["body"]
    url = f"/api/knowledge/articles/{article['id']}"
    stale = call(editor, "post", f"{url}/submit", HTTP_IF_MATCH='"99"')
    assert stale.status_code == 412
    submitted = call(editor, "post", f"{url}/submit", HTTP_IF_MATCH=made["ETag"])
    assert submitted.status_code == 200 and submitted.json()["status"] == "in_review"
    assert call(editor, "post", f"{url}/review", {"decision": "approve"}).status_code == 403
    assert [v["title"] for v in reviewer.get("/api/knowledge/articles/review-queue").json()] \
        == ["宽带报修流程"]
    bad = call(reviewer, "post", f"{url}/review", {"decision": "maybe"})
    assert bad.status_code == 422
    done = call(reviewer, "post", f"{url}/review", {"decision": "approve", "comment": "好"})
    assert done.status_code == 200 and done.json()["status"] == "published"

    hits = world.client_for("agent").get("/api/search/articles", {"q": "光猫"}).json()
    assert [h["title"] for h in hits] == ["宽带报修流程"]
    assert "<mark>光猫</mark>" in hits[0]["snippet"]
    assert call(world.client_for("agent"), "post", f"{url}/feedback",
                {"helpful": True}).status_code == 204
    withdrawn = call(reviewer, "post", f"{url}/withdraw", {"reason": "过时"})
    assert withdrawn.json()["status"] == "withdrawn"


def test_bad_articles_answer_422_and_change_nothing(world: World) -> None:
    editor = world.client_for("editor")
    for change in ({"category": "NOPE"}, {"title": ""}, {"body": "<script>x</script>"},
                   {"valid_from": "2026-05-01T00:00", "valid_to": "2026-04-01T00:00"},
                   {"body": "宽" * 100_001}):
        answer = call(editor, "post", "/api/knowledge/articles", {**ARTICLE, **change})
        assert answer.status_code == 422, change
        assert answer["Content-Type"].startswith("application/problem+json")
    assert Article.objects.count() == 0


def test_work_order_search_is_scoped_and_masked(world: World) -> None:
    wo, _ = wo_actions.create_work_order(actor=world.agent, intake=intake(
        world, title="携号转网被拒", content="客户 13812345678 携号转网被营业厅拒绝"))
    hits = world.client_for("supervisor").get("/api/search/work-orders",
                                              {"q": "携号转网"}).json()
    assert [h["number"] for h in hits] == [wo.number]
    assert "13812345678" not in hits[0]["snippet"] and "138****5678" in hits[0]["snippet"]
    assert world.client_for("sibling_handler").get(
        "/api/search/work-orders", {"q": "携号转网"}).json() == []
    assert world.client_for("supervisor").get(
        "/api/search/work-orders", {"q": "宽" * 10_000}).status_code == 422


def test_an_empty_article_search_counts_a_miss(world: World) -> None:
    assert world.client_for("agent").get("/api/search/articles", {"q": "国际漫游"}).json() == []
    assert SearchMiss.objects.get().query == "国际漫游"


def test_the_deflection_figure(world: World) -> None:
    from kefu.knowledge import actions
    from tests.test_knowledge import published

    article = published(world)
    actions.mark_solved(key="a", article_id=article.pk)
    actions.start_self_service(key="b", query="漫游")
    figure = world.client_for("manager").get("/api/knowledge/deflection").json()
    assert (figure["sessions"], figure["solved"], figure["rate"]) == (2, 1, 0.5)
