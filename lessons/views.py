from collections import Counter
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import catalogue as catalog
from .content import check_tree
from .models import Lesson, Page


@login_required
def catalogue(request):
    return render(request, "lessons/catalogue.html", {"modules": catalog.modules_for(request.user)})


@login_required
def module_detail(request, module_slug):
    module = catalog.module_for(request.user, module_slug)
    if module is None:
        raise Http404("No such module")
    return render(request, "lessons/module.html", {"module": module})


def _renamed(request, lesson_slug):
    """A permanent redirect to the lesson that used to have this slug, or 404."""
    lesson = (
        Lesson.objects.visible_to(request.user)
        .formerly(lesson_slug)
        .select_related("module")
        .only("slug", "module__slug")
        .first()
    )
    if lesson is None:
        raise Http404("No such lesson")
    return redirect(lesson, permanent=True)


def lesson_to_read(request, module_slug: str, lesson_slug: str) -> Lesson | HttpResponse:
    """The lesson at this address, if this reader may read it; otherwise where to go instead:
    the lesson's own address (renamed, or moved to another module), or the once-only safety
    note first. The lesson page itself is composed in ``prodep.pages``."""
    lesson = (
        Lesson.objects.visible_to(request.user)
        .select_related("module")
        .defer("links", "module__intro_html")  # not shown here; links is a JSON list to decode
        .filter(slug=lesson_slug)
        .first()
    )
    if lesson is None:
        return _renamed(request, lesson_slug)
    if lesson.module.slug != module_slug:
        return redirect(lesson, permanent=True)
    profile = getattr(request.user, "profile", None)  # loaded with the user: no query
    if profile is not None and profile.safety_intro_seen_at is None:  # the once-only note
        return redirect(f"{reverse('safety_intro')}?next={lesson.get_absolute_url()}")
    return lesson


def page_detail(request, slug):
    page = get_object_or_404(Page, slug=slug, is_live=True)
    return render(request, "lessons/page.html", {"page": page})


def author_required(view):
    """Signed in (else to log-in) and an author (else 403): drafts and previews are theirs."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_author:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@author_required
def preview_index(request):
    """Every content file with its title, status and problem count: files with problems first,
    then in course order; every problem below, file by file, in line order."""
    tree, rendered, problems = check_tree(Path(settings.CONTENT_DIR))
    counts = Counter(problem.path for problem in problems)
    files = [
        {
            "file": f,
            "title": rendered[f.path].meta.get("title") or f.path,
            "status": rendered[f.path].meta.get("status", "published"),
            "problems": counts.get(f.path, 0),
        }
        for f in tree.files
    ]
    files.sort(key=lambda item: item["problems"] == 0)  # stable: course order within each part
    problems = sorted(problems, key=lambda problem: (problem.path, problem.line))
    return render(request, "lessons/preview_index.html", {"files": files, "problems": problems})


@author_required
def preview(request, source_path):
    """Render any content file straight from disk, with its check results beside it."""
    tree, rendered, problems = check_tree(Path(settings.CONTENT_DIR))
    content_file = tree.by_path(source_path)
    if content_file is None:
        raise Http404("No such content file")
    result = rendered[content_file.path]
    own = sorted((p for p in problems if p.path == content_file.path), key=lambda p: p.line)
    return render(
        request, "lessons/preview.html", {"file": content_file, "result": result, "problems": own}
    )


@login_required
@require_POST
def complete(request, module_slug, lesson_slug):
    """Mark a lesson read (completed=1), then onward (``after_reading``); or not read
    (completed=0), then back to the lesson.

    A form posted to a renamed lesson's old address changes nothing and goes to the lesson."""
    lesson = (
        Lesson.objects.visible_to(request.user)
        .select_related("module")
        .filter(slug=lesson_slug)
        .first()
    )
    if lesson is None:
        return _renamed(request, lesson_slug)
    completed = request.POST.get("completed", "1") != "0"
    catalog.set_completed(request.user, lesson, completed)
    if not completed:
        messages.success(request, "Marked as not read.")
        return redirect(lesson)
    destination, note = catalog.after_reading(request.user, lesson)
    messages.success(request, note)
    return redirect(destination)
