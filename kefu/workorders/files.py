"""Serving an attachment: inline for the types a browser shows safely, a download otherwise."""

from __future__ import annotations

from django.http import FileResponse

from kefu.workorders.models import Attachment

INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp",
                          "application/pdf", "text/plain"})


def attachment_response(attachment: Attachment) -> FileResponse:
    inline = attachment.content_type in INLINE_TYPES
    response = FileResponse(attachment.file.open("rb"), as_attachment=not inline,
                            filename=attachment.original_name,
                            content_type=attachment.content_type or "application/octet-stream")
    # The stored type was checked against the content on upload; never let a browser guess.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
