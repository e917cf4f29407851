"""The public FAQ: a customer searches and reads it without signing in; "this solved it"
counts the question answered without an agent, "still need help" starts a consultation with
the question filled in. Each browser's visit of a day is one self-service session."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kefu.errors import KefuError
from kefu.knowledge import actions
from kefu.knowledge.choices import SearchPlace
from kefu.knowledge.content import plain_text
from kefu.knowledge.queries import (
    categories,
    get_public_article,
    image_for,
    public_articles,
    search_articles,
)
from kefu.portal.views import FAQ_SESSION_KEY as SESSION_KEY
from kefu.portal.views import portal_errors
from kefu.search.query import SearchQuery


def self_service_key(request: HttpRequest) -> str:
    """This browser's self-service key, made on its first visit."""
    key = request.session.get(SESSION_KEY)
    if not key:
        key = request.session[SESSION_KEY] = secrets.token_urlsafe(24)
    return str(key)


def _faq_page(request: HttpRequest, *, hits: list[Any] | None = None,
              error: KefuError | None = None) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    popular = [] if text else list(public_articles().select_related("published")
                                   .order_by("-view_count", "-id")[:10])
    return render(request, "portal/faq.html", {
        "q": text, "hits": hits or [], "error": error, "popular": popular,
        "categories": categories(), "help_url": _help_url(text)})


@portal_errors(lambda request, error: _faq_page(request, error=error))
def faq(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    if not text:
        return _faq_page(request)
    actions.start_self_service(key=self_service_key(request), query=text)
    hits = search_articles(None, SearchQuery.parse(text))
    if not hits:
        actions.record_search_miss(place=SearchPlace.PORTAL, query=text)
    return _faq_page(request, hits=hits)


def _help_url(text: str) -> str:
    query = {"kind": "consultation", "from_faq": "1"}
    if text:
        query |= {"title": text[:100], "content": text}
    return f"{reverse('portal:new')}?{urlencode(query)}"


def _article_page(request: HttpRequest, article_id: int, *, solved: bool = False,
                  error: KefuError | None = None) -> HttpResponse:
    article = get_public_article(article_id)
    assert article.published is not None
    question = request.GET.get("q", "") or request.POST.get("q", "")
    return render(request, "portal/faq_article.html", {
        "article": article, "version": article.published, "solved": solved, "error": error,
        "q": question, "help_url": _help_url(question or article.published.title),
        "summary": plain_text(article.published.body)[:120]},
        status=error.http_status if error else 200)


@portal_errors()
def faq_article(request: HttpRequest, article_id: int) -> HttpResponse:
    response = _article_page(request, article_id)
    actions.start_self_service(key=self_service_key(request))
    actions.record_view(article_id)
    return response


@require_POST
@portal_errors(lambda request, error, article_id: _article_page(request, article_id,
                                                                error=error))
def faq_solved(request: HttpRequest, article_id: int) -> HttpResponse:
    actions.mark_solved(key=self_service_key(request), article_id=article_id)
    actions.record_feedback(actor=None, article_id=article_id, is_helpful=True,
                            place=SearchPlace.PORTAL)
    return _article_page(request, article_id, solved=True)


@require_POST
@portal_errors(lambda request, error, article_id: _article_page(request, article_id,
                                                                error=error))
def faq_unhelpful(request: HttpRequest, article_id: int) -> HttpResponse:
    actions.record_feedback(actor=None, article_id=article_id, is_helpful=False,
                            comment=request.POST.get("comment", ""), place=SearchPlace.PORTAL)
    return HttpResponseRedirect(_help_url(request.POST.get("q", "")))


@portal_errors()
def article_image(request: HttpRequest, image_id: int) -> HttpResponseBase:
    """A picture of an article: to staff who may read the article, to anyone while the
    article is on the portal; like a missing one otherwise."""
    image = image_for(request.user, image_id)
    response = FileResponse(image.file.open("rb"), content_type=image.content_type)
    # The type was checked against the content on upload; never let a browser guess.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=300"
    return response
