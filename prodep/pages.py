"""The pages that show several apps' data, composed here from each app's services.

The apps depend one way (``lessons`` <- ``journal`` <- ``clinic``; see ``[tool.importlinter]`` in
pyproject.toml), so a page that needs all three lives above them: the reader's dashboard (their
reading and their therapists' assignments), a lesson (with the reader's answers and with whom
each is shared) and the journal (the answers and their sharing). Their routes join the apps'
URL namespaces in ``prodep/urls.py``.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from lessons import catalogue
from lessons.views import lesson_to_read
from prodep.clinic.reads import client_assignments, shared_count, sharing_options
from prodep.journal.models import MAX_ANSWER_LENGTH
from prodep.journal.services import answers_for_lesson, journal_for


@login_required
def dashboard(request):
    user = request.user
    progress = catalogue.progress_by_lesson(user)
    context = catalogue.dashboard_context(user, progress)
    context["assignments"] = client_assignments(user, catalogue.completed_ids(progress))
    return render(request, "lessons/dashboard.html", context)


@login_required
def lesson(request, module_slug, lesson_slug):
    found = lesson_to_read(request, module_slug, lesson_slug)
    if isinstance(found, HttpResponse):
        return found
    user = request.user
    answers = answers_for_lesson(user, found)
    links, shared = sharing_options(user, list(answers.values())) if answers else ([], {})
    context = catalogue.lesson_context(user, found)
    context.update(
        answers=answers, share_links=links, shared=shared, answer_max_length=MAX_ANSWER_LENGTH
    )
    return render(request, "lessons/lesson.html", context)


@login_required
def journal(request):
    page = journal_for(request.user, request.GET.get("page"))
    links, shared = sharing_options(request.user, page.reflections)
    context = {
        "groups": page.groups,
        "page": page.page,
        "links": links,
        "shared": shared,
        "shared_count": shared_count(request.user) if links else 0,
    }
    return render(request, "journal/index.html", context)
