"""Background work inside the web process, for the embedded single-machine default.

At scale the same functions run as Celery tasks (KEFU_USE_CELERY=1) and these threads stay off.
Every job here is safe to run in several processes at once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections

from kefu.archive.actions import run_retention
from kefu.notify.dispatcher import dispatch_once
from kefu.sla.sweeper import sweep

log = logging.getLogger("kefu.runtime")

_started = threading.Event()
_stop = threading.Event()


def _loop(name: str, job: Callable[[], object], interval: float) -> None:
    while not _stop.is_set():
        close_old_connections()
        try:
            job()
        except Exception:  # a failing job must not kill the thread; it is retried next round
            log.exception("background job %s failed", name)
        finally:
            close_old_connections()
        _stop.wait(interval)


JOBS: list[tuple[str, Callable[[], object], float]] = [
    ("outbox-dispatcher", lambda: dispatch_once(200), 2.0),
    ("sla-sweeper", lambda: sweep(), 30.0),
    ("retention", lambda: run_retention(), 24 * 3600.0),
]


def start_background_workers() -> None:
    """Start each background job in a daemon thread, once per process."""
    if _started.is_set():
        return
    _started.set()
    for name, job, interval in JOBS:
        threading.Thread(target=_loop, args=(name, job, interval), name=name,
                         daemon=True).start()
    log.info("background workers started: %s", ", ".join(name for name, _, _ in JOBS))


def stop_background_workers() -> None:
    _stop.set()
