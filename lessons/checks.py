"""Content problems as Django system checks, so ``manage.py check`` reports them.

Imported by ``LessonsConfig.ready()``, once the models are loaded.
"""

from pathlib import Path

from django.conf import settings
from django.core import checks
from django.db import connections

from .content import check_tree
from .models import Prompt
from .sync import removed_prompts_with_answers

ERROR_ID = "lessons.E001"
WARNING_ID = "lessons.W001"


@checks.register("content")
def check_content(app_configs=None, **kwargs):
    _, _, problems = check_tree(Path(settings.CONTENT_DIR))
    messages = []
    for problem in problems:
        kind = checks.Warning if problem.level == "warning" else checks.Error
        messages.append(
            kind(
                str(problem),
                hint=problem.hint or None,
                id=WARNING_ID if problem.level == "warning" else ERROR_ID,
            )
        )
    return messages


@checks.register("content", checks.Tags.database)
def check_removed_prompts(app_configs=None, databases=None, **kwargs):
    """Needs the database, so it runs with ``manage.py check --database default``."""
    if not databases:
        return []
    # ``migrate`` runs database checks before it creates the tables: nothing to check yet.
    if not all(
        Prompt._meta.db_table in connections[db].introspection.table_names() for db in databases
    ):
        return []

    return [
        checks.Warning(str(p), hint=p.hint, id=WARNING_ID) for p in removed_prompts_with_answers()
    ]
