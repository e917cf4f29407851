"""Linking related work orders and splitting one, from the work order page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from kefu.console.error_handling import renders_errors
from kefu.console.views.base import detail_form, parse_int, staff_view
from kefu.orgs.actors import Actor
from kefu.workorders.links import SplitPart, link_work_orders, split_work_order


@require_POST
@staff_view
@renders_errors(detail_form("links"))
def link(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    link_work_orders(actor=actor, work_order_id=wo_id,
                     other_number=request.POST.get("number", ""),
                     note=request.POST.get("note", ""))
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))


@require_POST
@staff_view
@renders_errors(detail_form("links"))
def split(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    titles = request.POST.getlist("part_title")
    contents = request.POST.getlist("part_content")
    categories = request.POST.getlist("part_category")
    parts = [SplitPart(title=t, content=c, category_id=parse_int(k))
             for t, c, k in zip(titles, contents, categories + [""] * len(titles), strict=False)
             if t.strip() or c.strip()]
    split_work_order(actor=actor, work_order_id=wo_id, parts=parts)
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))
