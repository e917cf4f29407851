"""gunicorn settings for `kefu serve`."""

import os

bind = f"{os.environ.get('KEFU_HOST', '127.0.0.1')}:{os.environ.get('KEFU_PORT', '8000')}"
# SQLite takes one writer at a time: one process with threads. PostgreSQL: more processes.
_sqlite = not os.environ.get("DATABASE_URL")
workers = int(os.environ.get("KEFU_WORKERS", "1" if _sqlite else "2"))
threads = int(os.environ.get("KEFU_THREADS", "8" if _sqlite else "4"))
worker_class = "gthread"
accesslog = os.environ.get("KEFU_ACCESS_LOG", "-")
timeout = 60
graceful_timeout = 20


def post_worker_init(worker: object) -> None:
    if os.environ.get("KEFU_BACKGROUND", "1") == "1" and os.environ.get(
        "KEFU_USE_CELERY", "0"
    ) not in ("1", "true", "yes"):
        from kefu.runtime import start_background_workers

        start_background_workers()

# Path without the query string: a search by phone number must not end up in a log file.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
