import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the console, portal and API with gunicorn, background workers included."

    def handle(self, *args: Any, **options: Any) -> None:
        config = Path(__file__).resolve().parents[3] / "gunicorn_conf.py"
        gunicorn = Path(sys.executable).with_name("gunicorn")
        os.execv(str(gunicorn), [str(gunicorn), "-c", str(config), "kefu.wsgi:application"])
