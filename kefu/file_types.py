"""What a stored file's content must look like: the leading bytes of each binary type Kefu
accepts, so a declared type (or a name) never stands in for the content itself. Attachments
and the pictures of articles check their uploads here."""

from __future__ import annotations

from typing import Protocol


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


# Leading bytes of the binary types we accept: a declared type must match the content.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "application/pdf": (b"%PDF-",),
    "image/webp": (b"RIFF",),
}


def content_matches(content_type: str, head: bytes) -> bool:
    """Whether the first bytes are those of `content_type`; True for a type that has no
    signature here (plain text, for one)."""
    signatures = SIGNATURES.get(content_type)
    if signatures is None:
        return True
    if content_type == "image/webp" and head[8:12] != b"WEBP":
        return False  # RIFF also begins WAV and AVI files
    return head.startswith(signatures)
