"""What the lessons app tells the apps above it, which it must not import (see pyproject.toml,
``[tool.importlinter]``). They subscribe in their ``AppConfig.ready``."""

from django.dispatch import Signal

# A reader marked a lesson read for the first time (not sent again on a repeated click).
# Sent with ``user`` and ``lesson``, after the write.
lesson_completed = Signal()
