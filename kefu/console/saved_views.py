"""Saved queue views: a name for a filter a person uses every day."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.db import transaction
from django.db.models import QuerySet

from kefu.console.models import SavedView
from kefu.errors import InvalidInput
from kefu.orgs.actors import Actor

_KEYS = {"view", "status", "kind", "severity", "channel", "number", "phone_key", "category",
         "handler", "unit", "from", "to", "overdue", "sort"}
MAX_VIEWS = 20


def _user(actor: Actor) -> int:
    if actor.user_id is None:
        raise InvalidInput("没有登录账号", "No login to save views for")
    return actor.user_id


def list_saved_views(actor: Actor) -> QuerySet[SavedView]:
    return SavedView.objects.filter(user_id=_user(actor))


@transaction.atomic
def save_view(*, actor: Actor, name: str, query: str) -> SavedView:
    """Save (or replace) a named queue filter; only known filter keys are kept."""
    name = name.strip()
    if not 1 <= len(name) <= 50:
        raise InvalidInput("请填写视图名称（1–50字）", "Name the view (1–50 characters)",
                           fields={"name": ["1–50"]})
    kept = urlencode([(k, v) for k, v in parse_qsl(query) if k in _KEYS and v])
    user_id = _user(actor)
    if (not SavedView.objects.filter(user_id=user_id, name=name).exists()
            and list_saved_views(actor).count() >= MAX_VIEWS):
        raise InvalidInput(f"最多保存{MAX_VIEWS}个视图", f"At most {MAX_VIEWS} saved views",
                           fields={"name": ["limit"]})
    view, _ = SavedView.objects.update_or_create(user_id=user_id, name=name,
                                                 defaults={"query": kept})
    return view


@transaction.atomic
def delete_view(*, actor: Actor, view_id: int) -> None:
    SavedView.objects.filter(user_id=_user(actor), pk=view_id).delete()
