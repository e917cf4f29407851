"""Bearer secrets (a portal sign-in code, a survey link) kept out of what is stored and logged.

REDACTED stands for a secret wherever one is stored, shown or logged; only the recipient's
copy of a message carries the secret itself (kefu.notify).

A survey link's token travels in its path (`/portal/survey/<token>/`). Django's request log
writes the path of every answer it warns about (a used or expired link answers 4xx), and
gunicorn's access log writes the path of every request; whoever reads those logs must not be
able to answer a survey in a customer's name. Plain Python, no Django: gunicorn loads this
with its configuration, before Django is set up.
"""

from __future__ import annotations

import logging
import re

REDACTED = "******"
_SURVEY_TOKEN = re.compile(r"(/portal/survey/)[^/\s?#]+")


def redact_paths(text: str) -> str:
    """`text` with the token of any survey link in it replaced by REDACTED."""
    return _SURVEY_TOKEN.sub(r"\g<1>" + REDACTED, text)


class RedactSecretPaths(logging.Filter):
    """Rewrites a record whose message names a survey link; set on the loggers that write
    request paths (django.request, django.server)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_paths(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
