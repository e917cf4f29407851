"""Background work inside the web process, for the embedded single-machine default.

At scale the same jobs run as Celery tasks (KEFU_USE_CELERY=1) and these threads stay off.
The jobs and their order are `kefu.jobs.JOBS`; every one is safe to run in several processes
at once."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections

from kefu.jobs import JOBS, Job

log = logging.getLogger("kefu.runtime")

_started = threading.Event()
_stop = threading.Event()


def _loop(job: Job) -> None:
    while not _stop.is_set():
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
