"""Background work inside the web process, for the embedded single-machine default.

At scale the same jobs run as Celery tasks (KEFU_USE_CELERY=1) and these threads stay off.
The jobs and their order are `kefu.jobs.JOBS`; every one is safe to run in several processes
at once."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections

from kefu.jobs import JOBS, Job
from kefu.seeding.progress import is_demo_loading

log = logging.getLogger("kefu.runtime")

_started = threading.Event()
_stop = threading.Event()


def is_due(job: Job) -> bool:
    """Whether the job may run now: the clock sweeps wait while the demo loads beside the
    server, whose loader ends with the sweep that brings the demo to now."""
    return not (job.waits_for_demo and is_demo_loading(Path(settings.DATA_DIR)))


def _loop(job: Job) -> None:
    while not _stop.is_set():
        if not is_due(job):
            _stop.wait(2.0)
            continue
        close_old_connections()
        try:
            job.run()
        except Exception:  # a failing job must not kill the thread; it is retried next round
            log.exception("background job %s failed", job.name)
        finally:
            close_old_connections()
        _stop.wait(job.every)


def start_background_workers() -> None:
    """Start each background job in a daemon thread, once per process."""
    if _started.is_set():
        return
    _started.set()
    for job in JOBS:
        threading.Thread(target=_loop, args=(job,), name=job.name, daemon=True).start()
    log.info("background workers started: %s", ", ".join(job.name for job in JOBS))


def stop_background_workers() -> None:
    _stop.set()
