"""`kefu`: the operator's command line, a thin front over the management commands."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kefu", *sys.argv[1:]])


if __name__ == "__main__":
    main()
