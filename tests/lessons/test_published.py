""" "A published lesson" is one rule (LessonQuerySet.published), which the outline, the
assignment form and a client's progress all read."""

from lessons import outline
from lessons.models import Lesson, Module, Status
from prodep.clinic.forms import AssignmentForm
from tests.factories import lesson_file, make_course, module_file, sync, write


def test_published_is_live_in_a_live_module_and_not_a_draft(content_dir, db):
    make_course(content_dir, lessons=3)
    write(content_dir, "02-second/_module.md", module_file("Second"))
    write(content_dir, "02-second/01-elsewhere.md", lesson_file("Elsewhere"))
    write(content_dir, "01-first/04-draft.md", lesson_file("Draft", extra="status: draft\n"))
    sync(content_dir)
    Lesson.objects.filter(slug="lesson-2").update(is_live=False)  # its file was removed
    Module.objects.filter(slug="second").update(is_live=False)
    outline.bump()

    published = set(Lesson.objects.published().values_list("slug", flat=True))
    assert published == {"lesson-1", "lesson-3"}
    # The same rule for loaded lessons, as the outline and a client's progress read it.
    loaded = Lesson.objects.select_related("module")
    assert {lesson.slug for lesson in loaded if lesson.is_published} == published
    assert {lesson.slug for lesson in outline.current().published} == published
    offered = set(AssignmentForm().fields["lesson"].queryset.values_list("slug", flat=True))
    assert offered == published
    assert Lesson.objects.get(slug="draft").status == Status.DRAFT
