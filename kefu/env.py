"""Typed readers for settings that come from the environment.

Each helper fails loudly on a value it cannot read, so a typo in a deployment shows at start-up
instead of as a silent default. `NAME_FILE` is accepted wherever a secret is expected.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str) -> str | None:
    """The secret in NAME, or the contents of the file named by NAME_FILE, or None."""
    if value := os.environ.get(name):
        return value
    if path := os.environ.get(f"{name}_FILE"):
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points to {path!r}: {exc}") from exc
    return None


def kept_secret(data_dir: Path, filename: str, nbytes: int = 48) -> str:
    """A secret generated once and kept in the data directory (mode 600)."""
    path = data_dir / filename
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(nbytes)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process started at the same moment and won
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return value


def keep_private(data_dir: Path, media_dir: Path) -> None:
    """Files this process writes are its owner's alone (umask 077): the SQLite database and
    its -wal/-shm files, uploads, generated keys. A data directory made before is tightened
    to 700, its database files to 600."""
    os.umask(0o077)
    # A directory mounted for us by someone else keeps the modes its owner chose.
    with contextlib.suppress(PermissionError):
        for directory in (data_dir, media_dir):
            directory.mkdir(parents=True, exist_ok=True)
            directory.chmod(0o700)
        for name in ("kefu.sqlite3", "kefu.sqlite3-wal", "kefu.sqlite3-shm"):
            path = data_dir / name
            if path.exists():
                path.chmod(0o600)
