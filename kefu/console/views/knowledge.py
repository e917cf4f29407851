"""The knowledge base in the console: search and browse for everyone at the desk; write,
submit, review, compare versions, withdraw for editors and reviewers; the editors' desk with
the review queue, what expires soon and what searches found nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.console.error_handling import ErrorPage, renders_errors
from kefu.console.views.base import detail_form, parse_datetime_local, parse_int, staff_view
from kefu.errors import REQUIRED, InvalidInput, KefuError, NotFound
from kefu.knowledge import actions
from kefu.knowledge.choices import ArticleStatus, Audience, SearchPlace, VersionStatus
from kefu.knowledge.content import ArticleContent
from kefu.knowledge.permissions import (
    can_review_article,
    can_withdraw_article,
    can_write_articles,
)
from kefu.knowledge.queries import (
    categories,
    diff,
    editable_articles,
    expiring,
    gap_list,
    get_article,
    list_articles,
    review_queue,
    search_articles,
    titles,
    versions,
)
from kefu.knowledge.spreadsheet import ImportReport, export_articles, import_articles
from kefu.orgs.actors import Actor
from kefu.orgs.permissions import Capability, has_capability
from kefu.search.query import SearchQuery
from kefu.sla.calendar import SHANGHAI

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _search_page(request: HttpRequest, actor: Actor, *, hits: list[Any] | None = None,
                 error: KefuError | None = None) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    status = status if status in ArticleStatus.values else ""
    category_id = parse_int(request.GET.get("category"))
    rows = [] if text else list_articles(actor, status=status or None, category_id=category_id)
    return render(request, "console/knowledge.html", {
        "actor": actor, "q": text, "hits": hits or [], "error": error, "rows": rows,
        "titles": titles(rows), "status": status, "category_id": category_id,
        "statuses": [("", "全部"), *ArticleStatus.choices], "categories": categories(),
        "can_write": can_write_articles(actor),
        "can_review": has_capability(actor.role, Capability.REVIEW_ARTICLES)})


def _search_refused(request: HttpRequest, error: KefuError, actor: Actor) -> HttpResponse:
    """A query no search takes (too long, no words): the page says why, nothing found."""
    return _search_page(request, actor, error=error)


@staff_view
@renders_errors(_search_refused)
def knowledge(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Search (with `q`) or browse by state and category."""
    text = request.GET.get("q", "").strip()
    if not text:
        return _search_page(request, actor)
    hits = search_articles(actor, SearchQuery.parse(text))
    if not hits:
        actions.record_search_miss(place=SearchPlace.CONSOLE, query=text)
    return _search_page(request, actor, hits=hits)


def _desk(request: HttpRequest, actor: Actor, *, report: ImportReport | None = None,
          error: KefuError | None = None) -> HttpResponse:
    return render(request, "console/knowledge_desk.html", {
        "actor": actor, "queue": review_queue(actor), "expiring": expiring(actor),
        "gaps": gap_list(), "can_write": can_write_articles(actor), "report": report,
        "error": error}, status=error.http_status if error else 200)


@staff_view
def knowledge_desk(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The editors' and reviewers' desk."""
    return _desk(request, actor)


@staff_view
def knowledge_export(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The articles the actor edits, as xlsx, to edit and import back."""
    can_write_articles(actor).enforce()
    response = HttpResponse(export_articles(actor), content_type=XLSX)
    stamp = f"{timezone.now().astimezone(SHANGHAI):%Y%m%d-%H%M}"
    response["Content-Disposition"] = f'attachment; filename="articles-{stamp}.xlsx"'
    return response


@require_POST
@staff_view
@renders_errors(lambda request, error, actor: _desk(request, actor, error=error))
def knowledge_import(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Articles from xlsx: a dry run reports each row's problems and writes nothing."""
    can_write_articles(actor).enforce()
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput("请选择 xlsx 文件", "Choose an xlsx file", fields={"file": [REQUIRED]})
    report = import_articles(actor, upload, dry_run=request.POST.get("dry_run") == "on")
    return _desk(request, actor, report=report)


def _content(post: Any) -> ArticleContent:
    tags = tuple(t for t in post.get("tags", "").replace("，", ",").split(",") if t.strip())
    return ArticleContent(
        title=post.get("title", ""), body=post.get("body", ""),
        category_code=post.get("category", ""), audience=post.get("audience", ""),
        tags=tags, valid_from=parse_datetime_local(post.get("valid_from")),
        valid_to=parse_datetime_local(post.get("valid_to")))


def _local(value: datetime | None) -> str:
    return f"{value.astimezone(SHANGHAI):%Y-%m-%dT%H:%M}" if value else ""


def _form(request: HttpRequest, actor: Actor, *, article_id: int | None = None,
          error: KefuError | None = None) -> HttpResponse:
    values: dict[str, Any]
    if error is not None:
        values = {k: request.POST.get(k, "") for k in (
            "title", "body", "category", "audience", "tags", "valid_from", "valid_to")}
    elif article_id is not None:
        v = versions(get_article(actor, article_id))[0]
        values = {"title": v.title, "body": v.body, "category": v.category.code,
                  "audience": v.audience, "tags": ", ".join(v.tags),
                  "valid_from": _local(v.valid_from), "valid_to": _local(v.valid_to)}
    else:
        values = {"audience": Audience.INTERNAL}
    return render(request, "console/article_form.html", {
        "actor": actor, "values": values, "article_id": article_id, "error": error,
        "categories": categories(), "audiences": Audience.choices},
        status=error.http_status if error else 200)


def _form_again(request: HttpRequest, error: KefuError, actor: Actor,
                article_id: int | None = None) -> HttpResponse:
    return _form(request, actor, article_id=article_id, error=error)


@staff_view
@renders_errors(_form_again)
def article_new(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    if request.method != "POST":
        can_write_articles(actor).enforce()
        return _form(request, actor)
    article = actions.create_article(actor=actor, content=_content(request.POST))
    return HttpResponseRedirect(reverse("console:article", args=[article.pk]))


@staff_view
@renders_errors(_form_again)
def article_edit(request: HttpRequest, actor: Actor, article_id: int) -> HttpResponseBase:
    if request.method != "POST":
        can_write_articles(actor).enforce()
        return _form(request, actor, article_id=article_id)
    actions.edit_article(actor=actor, article_id=article_id, content=_content(request.POST),
                         expected_version=parse_int(request.POST.get("version")))
    return HttpResponseRedirect(reverse("console:article", args=[article_id]))


def _page(request: HttpRequest, actor: Actor, article_id: int, *,
          error: KefuError | None = None, form: str = "") -> HttpResponse:
    article = get_article(actor, article_id)
    history = versions(article)
    latest = history[0]
    editable = editable_articles(actor).filter(pk=article.pk).exists()
    shown = article.published or latest
    return render(request, "console/article.html", {
        "actor": actor, "article": article, "shown": shown, "latest": latest,
        "history": history, "events": article.events.all(), "error": error, "form": form,
        "pending": latest if latest != article.published else None,
        "can_edit": editable and bool(can_write_articles(actor))
        and latest.status != VersionStatus.IN_REVIEW,
        "can_submit": editable and bool(can_write_articles(actor))
        and latest.status == VersionStatus.DRAFT,
        "can_review": editable and latest.status == VersionStatus.IN_REVIEW
        and bool(can_review_article(actor, article, latest)),
        "can_withdraw": editable and bool(can_withdraw_article(actor))
        and article.status in (ArticleStatus.PUBLISHED, ArticleStatus.EXPIRED),
        "now": timezone.now()}, status=error.http_status if error else 200)


@staff_view
def article(request: HttpRequest, actor: Actor, article_id: int) -> HttpResponse:
    response = _page(request, actor, article_id)
    actions.record_view(article_id)
    return response


def _page_again(form: str) -> ErrorPage:
    def page(request: HttpRequest, error: KefuError, actor: Actor,
             article_id: int) -> HttpResponse:
        return _page(request, actor, article_id, error=error, form=form)

    return page


def _back(article_id: int) -> HttpResponse:
    return HttpResponseRedirect(reverse("console:article", args=[article_id]))


@require_POST
@staff_view
@renders_errors(_page_again("submit"))
def article_submit(request: HttpRequest, actor: Actor, article_id: int) -> HttpResponse:
    actions.submit_article(actor=actor, article_id=article_id,
                           expected_version=parse_int(request.POST.get("version")))
    return _back(article_id)


@require_POST
@staff_view
@renders_errors(_page_again("review"))
def article_review(request: HttpRequest, actor: Actor, article_id: int) -> HttpResponse:
    version = parse_int(request.POST.get("version"))
    comment = request.POST.get("comment", "")
    if request.POST.get("decision") == "approve":
        actions.approve_article(actor=actor, article_id=article_id, comment=comment,
                                expected_version=version)
    else:
        actions.reject_article(actor=actor, article_id=article_id, comment=comment,
                               expected_version=version)
    return _back(article_id)


@require_POST
@staff_view
@renders_errors(_page_again("withdraw"))
def article_withdraw(request: HttpRequest, actor: Actor, article_id: int) -> HttpResponse:
    actions.withdraw_article(actor=actor, article_id=article_id,
                             reason=request.POST.get("reason", ""),
                             expected_version=parse_int(request.POST.get("version")))
    return _back(article_id)


@require_POST
@staff_view
@renders_errors(_page_again("images"))
def article_image_upload(request: HttpRequest, actor: Actor, article_id: int) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput("请选择图片", "Choose a picture", fields={"file": [REQUIRED]})
    actions.add_article_image(actor=actor, article_id=article_id, name=upload.name or "",
                              content_type=upload.content_type or "", stream=upload)
    return HttpResponseRedirect(reverse("console:article", args=[article_id]) + "#images")


@require_POST
@staff_view
@renders_errors(_page_again("feedback"))
def article_feedback(request: HttpRequest, actor: Actor, article_id: int) -> HttpResponse:
    actions.record_feedback(actor=actor, article_id=article_id,
                            is_helpful=request.POST.get("helpful") == "yes",
                            comment=request.POST.get("comment", ""))
    return _back(article_id)


@staff_view
def article_diff(request: HttpRequest, actor: Actor, article_id: int) -> HttpResponse:
    article = get_article(actor, article_id)
    history = {v.number: v for v in versions(article)}
    new = history.get(parse_int(request.GET.get("b")) or max(history))
    old = history.get(parse_int(request.GET.get("a")) or (new.number - 1 if new else 0))
    if old is None or new is None:
        raise NotFound("没有可比较的版本", "No versions to compare")
    return render(request, "console/article_diff.html", {
        "actor": actor, "article": article, "old": old, "new": new, "table": diff(old, new),
        "numbers": sorted(history)})


@require_POST
@staff_view
@renders_errors(detail_form("cite"))
def cite(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    """Cite the chosen articles on the work order's answer, at their published versions."""
    actions.cite_articles(
        actor=actor, work_order_id=wo_id,
        article_ids=[i for v in request.POST.getlist("article_ids") if (i := parse_int(v))],
        expected_version=parse_int(request.POST.get("version")))
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]) + "#knowledge")
