"""gunicorn settings for `kefu serve`."""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from gunicorn.glogging import Logger

from kefu.redaction import redact_paths

bind = f"{os.environ.get('KEFU_HOST', '127.0.0.1')}:{os.environ.get('KEFU_PORT', '8000')}"
# SQLite takes one writer at a time: one process with threads. PostgreSQL: more processes.
_sqlite = not os.environ.get("DATABASE_URL")
workers = int(os.environ.get("KEFU_WORKERS", "1" if _sqlite else "2"))
threads = int(os.environ.get("KEFU_THREADS", "8" if _sqlite else "4"))
worker_class = "gthread"
accesslog = os.environ.get("KEFU_ACCESS_LOG", "-")
timeout = 60
graceful_timeout = 20


# The demo loader `when_ready` starts on first start (decision 0021), stopped with the server.
_demo_loader: Any = None


def when_ready(server: object) -> None:
    """Serve first: the login page answers while the demo's work orders load beside it."""
    global _demo_loader
    from django.conf import settings

    from kefu.seeding.progress import start_demo_loader

    _demo_loader = start_demo_loader(Path(settings.DATA_DIR))


def on_exit(server: object) -> None:
    if _demo_loader is not None and _demo_loader.poll() is None:
        _demo_loader.terminate()


def post_worker_init(worker: object) -> None:
    if os.environ.get("KEFU_BACKGROUND", "1") == "1" and os.environ.get(
        "KEFU_USE_CELERY", "0"
    ) not in ("1", "true", "yes"):
        from kefu.runtime import start_background_workers

        start_background_workers()

# Path without the query string: a search by phone number must not end up in a log file.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'


class AccessLogger(Logger):
    """gunicorn's logger, with survey-link tokens struck from the request's path, line and
    referrer before the access log line is written."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any],
              request_time: timedelta) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact_paths(atoms[key])
        return atoms


logger_class = AccessLogger
