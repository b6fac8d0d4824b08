"""In DEBUG, re-sync content/ when a file changes, so an author sees edits on reload."""

import logging
import os
from pathlib import Path

from django.conf import settings

from .parsing import Problem
from .sync import ContentError, sync_content

log = logging.getLogger("prodep.content")

# Not /preview/: it renders straight from disk with its checks, whatever the database holds.
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
    """Sync content/ before a reading page when a file changed (DEBUG only).

    A file with errors must never stop readers: ``sync_content`` writes nothing when any file
    has an error, so the database keeps the last good content and every page goes on serving
    it. The problems go to the console once per change, and to authors as a banner on every
    page (``request.content_problems``, shown by base.html) that points at the preview.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.last_seen: tuple | None = None
        self.problems: list[Problem] = []

    def __call__(self, request):
        if settings.DEBUG and request.path.startswith(_READING_PREFIXES):
            self._sync_if_changed()
        request.content_problems = self.problems if settings.DEBUG else []
        return self.get_response(request)

    def _sync_if_changed(self) -> None:
        root = Path(settings.CONTENT_DIR)
        fingerprint = _fingerprint(root)
        if fingerprint == self.last_seen:
            return
        self.last_seen = fingerprint  # a broken file is reported once, not on every request
        try:
            sync_content(root)
        except ContentError as error:
            self.problems = error.problems
            log.warning(
                "Content not synced; readers keep the last good version. Fix:\n%s",
                "\n".join(f"  {problem}" for problem in error.problems),
            )
        else:
            self.problems = []
