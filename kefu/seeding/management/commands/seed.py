import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kefu.orgs.models import OrgUnit
from kefu.seeding.bulk import load_bulk
from kefu.seeding.demo import begin_demo, load_demo_history
from kefu.seeding.progress import demo_load_lock, read_demo_load


class Command(BaseCommand):
    help = "Load the demo data (organisation, one login per role, customers, work orders)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demo-work-orders", type=int, default=1000)
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when the database already has an organisation "
                                 "(but finish a demo load that was interrupted)")
        parser.add_argument("--background", action="store_true",
                            help="load only what signing in needs and leave the work orders "
                                 "to `kefu serve`, which loads them behind it (scripts/run)")
        parser.add_argument("--resume", action="store_true",
                            help="load the demo's work orders that a started load still owes "
                                 "(what `kefu serve` runs)")
        parser.add_argument("--work-orders", type=int, default=0,
                            help="bulk-load this many more work orders with timelines "
                                 "(benchmarks); the demo organisation is created if missing")

    def handle(self, *args: Any, **options: Any) -> None:
        data_dir = Path(settings.DATA_DIR)
        if options["work_orders"]:
            if options["work_orders"] < 0:
                raise CommandError("--work-orders must be positive")
            stats = load_bulk(options["work_orders"], data_dir=data_dir,
                              progress=self.stdout.write)
            self.stdout.write(f"loaded {stats.work_orders:,} work orders and {stats.events:,} "
                              f"timeline events in {stats.seconds:.1f} s")
            return
        if options["resume"]:
            # Beside a running server, whose requests come first.
            os.nice(5)
            self._resume(data_dir)
            return
        if OrgUnit.objects.exists():
            pending = read_demo_load(data_dir)
            if options["if_empty"] and pending is not None:
                if options["background"]:
                    self.stdout.write(f"demo data: {pending.done:,}/{pending.total:,} work "
                                      "orders; the rest loads behind the server")
                else:
                    self._resume(data_dir)
                return
            if options["if_empty"]:
                return
            raise CommandError("the database already has data; demo data loads only into an "
                               "empty one")
        started = time.monotonic()
        path = begin_demo(data_dir=data_dir, work_orders=options["demo_work_orders"])
        self.stdout.write(f"demo data: logins ready in {time.monotonic() - started:.1f} s "
                          f"({path})")
        if options["background"]:
            self.stdout.write(f"demo data: {options['demo_work_orders']:,} work orders load "
                              "behind the server; its progress shows here and on the login page")
            return
        self._resume(data_dir)

    def _resume(self, data_dir: Path) -> None:
        """The demo's history, with a line of progress every hundred work orders."""
        if read_demo_load(data_dir) is None:
            return
        started = time.monotonic()
        try:
            with demo_load_lock(data_dir) as mine:
                if not mine:
                    self.stdout.write("demo data: another process is loading it")
                    return
                load_demo_history(data_dir, progress=self.stdout.write)
        except KeyboardInterrupt:
            load = read_demo_load(data_dir)
            done = f"{load.done:,}/{load.total:,}" if load else "?"
            self.stdout.write(f"demo data: stopped at {done} work orders; the next start "
                              "goes on from there")
            return
        self.stdout.write(f"demo data loaded in {time.monotonic() - started:.1f} s")
