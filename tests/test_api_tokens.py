"""API tokens end: a default lifetime (KEFU_API_TOKEN_DAYS), revocation by the holder, a list
with the last use, the `kefu token` command, and the console page that shows a new token once."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kefu.api.models import ApiToken
from kefu.api.tokens import issue_api_token, list_api_tokens, revoke_api_token
from kefu.audit.models import AuditEntry
from kefu.errors import InvalidInput, NotFound
from kefu.orgs.actors import SYSTEM
from tests.conftest import World


def me(plain: str) -> int:
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}").get("/api/me").status_code


def test_a_token_ends_by_itself_and_when_revoked(world: World) -> None:
    user = world.users["agent"]
    token, plain = issue_api_token(actor=world.agent, user=user, name="crm")
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
    assert me(plain) == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert me(plain) == 401

    token, plain = issue_api_token(actor=world.agent, user=user, name="short", days=7)
    assert me(plain) == 200
    assert list_api_tokens(user)[0].last_used_at is not None
    revoke_api_token(actor=world.agent, user=user, token_id=token.pk)
    assert me(plain) == 401
    actions = set(AuditEntry.objects.filter(object_type="user").values_list("action", flat=True))
    assert {"API_TOKEN_ISSUED", "API_TOKEN_REVOKED"} <= actions


@pytest.mark.parametrize(("name", "days", "field"), [
    ("crm", 0, "expires"), ("crm", 91, "expires"), ("", 30, "name"), ("长" * 101, 30, "name"),
])
def test_a_bad_token_request_is_refused(world: World, name: str, days: int,
                                        field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        issue_api_token(actor=world.agent, user=world.users["agent"], name=name, days=days)
    assert field in refused.value.fields
    assert not ApiToken.objects.exists()


def test_nobody_revokes_another_persons_token(world: World) -> None:
    token, plain = issue_api_token(actor=SYSTEM, user=world.users["agent"], name="crm")
    with pytest.raises(NotFound):
        revoke_api_token(actor=world.handler, user=world.users["handler"], token_id=token.pk)
    answer = world.client_for("handler").post(reverse("console:token_revoke", args=[token.pk]))
    assert answer.status_code == 404 and me(plain) == 200


def test_the_command_creates_lists_and_revokes(world: World) -> None:
    out = io.StringIO()
    call_command("token", "create", "agent", "--name", "etl", "--expires", "30", stdout=out)
    plain = out.getvalue().split()[0]
    assert plain.startswith("kefu_") and me(plain) == 200
    token = ApiToken.objects.get()
    call_command("token", "list", "agent", stdout=out)
    assert f"{token.pk}\t{token.prefix}…\tetl\tactive" in out.getvalue()
    assert plain not in out.getvalue().split("\n", 2)[-1]  # the list never shows the secret
    call_command("token", "revoke", "agent", str(token.pk), stdout=out)
    assert me(plain) == 401
    with pytest.raises(CommandError):
        call_command("token", "create", "nobody")
    with pytest.raises(CommandError):
        call_command("token", "create", "agent", "--expires", "400")


def test_the_page_shows_a_new_token_once(world: World) -> None:
    agent = world.client_for("agent")
    page = agent.post(reverse("console:tokens"), {"name": "报表", "days": "30"}).content.decode()
    plain = ApiToken.objects.get()
    shown = page.split("<code>")[1].split("</code>")[0]
    assert shown.startswith("kefu_") and me(shown) == 200
    again = agent.get(reverse("console:tokens")).content.decode()
    assert shown not in again and f"{plain.prefix}…" in again
    refused = agent.post(reverse("console:tokens"), {"name": "x", "days": "0"})
    assert refused.status_code == 422
    agent.post(reverse("console:token_revoke", args=[plain.pk]))
    assert me(shown) == 401
