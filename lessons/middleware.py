"""In DEBUG, re-sync content/ when a file changes, so an author sees edits on reload."""

import os
from pathlib import Path

from django.conf import settings
from django.shortcuts import render

from .services import ContentError, sync_content

# Not /preview/: it renders straight from disk with its checks, and must stay reachable when
# the content has errors (the error page would otherwise replace the preview of the error).
_READING_PREFIXES = ("/lessons/", "/help/", "/home/")


def _fingerprint(root: Path) -> tuple:
    """Cheap: names, sizes and modification times, no file contents."""
    entries = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            stat = os.stat(os.path.join(dirpath, name))
            entries.append((dirpath, name, stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


class ContentAutoSyncMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.last_seen: tuple | None = None

    def __call__(self, request):
        if settings.DEBUG and request.path.startswith(_READING_PREFIXES):
            root = Path(settings.CONTENT_DIR)
            fingerprint = _fingerprint(root)
            if fingerprint != self.last_seen:
                try:
                    sync_content(root)
                except ContentError as exc:
                    return render(
                        request,
                        "lessons/content_errors.html",
                        {"problems": exc.problems},
                        status=503,
                    )
                self.last_seen = fingerprint
        return self.get_response(request)
