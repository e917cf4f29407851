"""The data directory's database (with its -wal/-shm files), keys and uploads are the owner's
alone (issue 22, item 14)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_fresh_data_directory_is_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    env = {**os.environ, "KEFU_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "kefu.settings"}
    env.pop("DATABASE_URL", None)
    env.pop("SECRET_KEY", None)
    env.pop("KEFU_FIELD_KEY", None)
    subprocess.run([sys.executable, "-m", "django", "migrate", "--no-input", "-v", "0"],
                   env=env, check=True, cwd=Path(__file__).resolve().parent.parent)
    subprocess.run([sys.executable, "-c", (
        "import django; django.setup();"
        "from django.core.files.storage import default_storage;"
        "from django.core.files.base import ContentFile;"
        "default_storage.save('evidence/x.txt', ContentFile(b'x'))")],
        env=env, check=True, cwd=Path(__file__).resolve().parent.parent)
    assert mode(data) == 0o700
    for name in ("kefu.sqlite3", "secret-key", "field-key"):
        assert mode(data / name) == 0o600, name
    for extra in ("kefu.sqlite3-wal", "kefu.sqlite3-shm"):
        if (data / extra).exists():
            assert mode(data / extra) == 0o600, extra
    media = data / "media"
    assert mode(media) == 0o700
    assert mode(media / "evidence") == 0o700
    assert mode(media / "evidence" / "x.txt") == 0o600
