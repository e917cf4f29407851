"""Celery app for running the background work on Redis at scale (KEFU_USE_CELERY=1)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")

app = Celery("kefu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The periodic jobs' own tasks; this module cannot import them before Django is set up.
app.conf.include = ["kefu.jobs"]
# The same jobs and intervals as kefu.jobs.JOBS (a test keeps the two in step).
app.conf.beat_schedule = {
    "outbox-dispatcher": {"task": "kefu.notify.dispatch_outbox", "schedule": 2.0},
    "sla-sweeper": {"task": "kefu.sla.sweep", "schedule": 30.0},
    "retention": {"task": "kefu.archive.retention", "schedule": 24 * 3600.0},
    "knowledge-expiry": {"task": "kefu.knowledge.expiry", "schedule": 300.0},
}
