"""Survey links: a signed token naming the survey and its one-time nonce. The signature stops
guessing and tampering; the nonce and the answered mark make the link single-use."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from kefu.errors import NotFound
from kefu.surveys.models import Survey

_SALT = "kefu.surveys.link"


def survey_token(survey: Survey) -> str:
    return signing.dumps([survey.pk, survey.nonce], salt=_SALT, compress=False)


def survey_url(survey: Survey) -> str:
    path = reverse("portal:survey", args=[survey_token(survey)])
    return f"{settings.KEFU_PUBLIC_URL.rstrip('/')}{path}"


def survey_id_from_token(token: str) -> tuple[int, str]:
    """(survey id, nonce) of a token this server signed; NotFound for anything else."""
    try:
        survey_id, nonce = signing.loads(token, salt=_SALT)
        return int(survey_id), str(nonce)
    except (signing.BadSignature, ValueError, TypeError):
        raise NotFound("调查链接无效", "This survey link is not valid") from None
