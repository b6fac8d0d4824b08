"""Every content check, with one failing fixture each, reported as path:line with a hint."""

import pytest
from django.core.management import call_command

from lessons.content import check_tree
from tests.factories import lesson_file, make_course, module_file, write


def problems_for(root):
    return check_tree(root)[2]


def only(root):
    found = problems_for(root)
    assert len(found) >= 1, "expected a problem"
    return found


def test_the_shipped_content_is_clean(settings):
    from tests.conftest import CONTENT_DIR

    assert [str(p) for p in problems_for(CONTENT_DIR)] == []


def test_a_valid_course_has_no_problems(content_dir):
    make_course(content_dir)
    assert problems_for(content_dir) == []


def test_missing_front_matter(content_dir):
    make_course(content_dir)
    write(content_dir, "01-first/03-bare.md", "No front matter here.\n")
    [problem] = only(content_dir)
    assert str(problem) == "01-first/03-bare.md:1: missing front matter"
    assert problem.hint


def test_invalid_front_matter_names_the_line(content_dir):
    make_course(content_dir)
    write(content_dir, "01-first/03-bad.md", "---\ntitle: A: b: c\nsummary: S\n---\nText.\n")
    [problem] = only(content_dir)
    assert problem.path == "01-first/03-bad.md" and problem.line == 2
    assert "invalid front matter" in problem.message


def test_missing_title_or_summary(content_dir):
    make_course(content_dir)
    write(content_dir, "01-first/03-untitled.md", "---\nsummary: S\n---\nText.\n")
    assert "front matter needs a 'title'" in [p.message for p in only(content_dir)]


def test_duplicate_lesson_slug_across_modules(content_dir):
    make_course(content_dir)
    write(content_dir, "02-second/_module.md", module_file())
    write(content_dir, "02-second/01-lesson-1.md", lesson_file())
    [problem] = only(content_dir)
    assert "duplicate lesson slug 'lesson-1'" in problem.message
    assert "01-first/01-lesson-1.md" in problem.hint


def test_duplicate_prompt_id_across_files(content_dir):
    make_course(content_dir)
    write(content_dir, "01-first/03-copy.md", lesson_file(body="::: reflection id=p1\nQ?\n:::\n"))
    [problem] = only(content_dir)
    assert problem.message == "duplicate prompt id 'p1'"


def test_missing_prompt_id(content_dir):
    make_course(content_dir)
    write(content_dir, "01-first/03-x.md", lesson_file(body="Text.\n\n::: reflection\nQ?\n:::\n"))
    [problem] = only(content_dir)
    assert problem.message == "reflection prompt has no id"
    assert problem.line == 7


def test_broken_link_between_lessons(content_dir):
    make_course(content_dir)
    write(content_dir, "01-first/03-x.md", lesson_file(body="See [gone](04-gone.md).\n"))
    [problem] = only(content_dir)
    assert problem.message == "broken link to '04-gone.md'"
    assert problem.line == 5


def test_image_without_alt_text(content_dir):
    make_course(content_dir)
    write(content_dir, "01-first/03-x.md", lesson_file(body="![](https://example.org/a.png)\n"))
    [problem] = only(content_dir)
    assert "has no alt text" in problem.message


def test_unknown_block(content_dir):
    make_course(content_dir)
    write(content_dir, "01-first/03-x.md", lesson_file(body="::: warning\nHmm.\n:::\n"))
    [problem] = only(content_dir)
    assert problem.message == "unknown block 'warning'"
    assert "contrast" in problem.hint


def test_unclosed_block(content_dir):
    make_course(content_dir)
    write(content_dir, "01-first/03-x.md", lesson_file(body="::: note\nNever closed.\n"))
    assert "block 'note' is never closed" in [p.message for p in only(content_dir)]


def test_empty_contrast_side(content_dir):
    make_course(content_dir)
    body = "::: contrast T\n:: codependence\nOne view.\n:: prodependence\n:::\n"
    write(content_dir, "01-first/03-x.md", lesson_file(body=body))
    [problem] = only(content_dir)
    assert problem.message == "the prodependence side is empty"


def test_blaming_language_is_flagged_with_a_kinder_suggestion(content_dir):
    make_course(content_dir)
    body = "You may feel codependent.\n"
    write(content_dir, "_language.yml", "codependent: a partner doing their best\n")
    write(content_dir, "01-first/03-x.md", lesson_file(body=body))
    [problem] = only(content_dir)
    assert str(problem) == "01-first/03-x.md:5: blaming or pathologising language: 'codependent'"
    assert "a partner doing their best" in problem.hint


@pytest.mark.parametrize("word", ["codependent", "codependents"])  # any inflected form
def test_blaming_language_is_allowed_on_the_codependence_side_and_in_quotes(content_dir, word):
    make_course(content_dir)
    write(content_dir, "_language.yml", "codependent: a partner doing their best\n")
    body = (
        f'The word "{word}" began in 12-step groups.\n\n'
        f"::: contrast T\n:: codependence\nThe partner is {word}.\n"
        ":: prodependence\nThe partner is attached.\n:::\n"
    )
    write(content_dir, "01-first/03-x.md", lesson_file(body=body))
    assert problems_for(content_dir) == []


def test_blaming_language_on_the_prodependence_side_is_flagged(content_dir):
    make_course(content_dir)
    write(content_dir, "_language.yml", "enabling: helping in ways that may not work\n")
    body = "::: contrast T\n:: codependence\nFine.\n:: prodependence\nStop enabling.\n:::\n"
    write(content_dir, "01-first/03-x.md", lesson_file(body=body))
    [problem] = only(content_dir)
    assert problem.line == 9


@pytest.mark.parametrize(
    "mention", ["couples therapy", "Couple therapy", "couples counselling", "couples' counseling"]
)
def test_couples_therapy_without_the_abuse_caveat_is_a_warning(content_dir, mention):
    make_course(content_dir)
    body = f"Some text.\n\nYou might try {mention} later.\n"
    write(content_dir, "01-first/03-x.md", lesson_file(body=body))
    [problem] = only(content_dir)
    assert problem.level == "warning"
    assert str(problem) == (
        f"01-first/03-x.md:7: '{mention}' is mentioned without the abuse caveat"
    )
    assert "05-when-you-are-afraid-of-your-partner.md" in problem.hint


def test_couples_therapy_inside_a_contrast_block_is_seen_too(content_dir):
    make_course(content_dir)
    body = (
        "::: contrast T\n:: codependence\nIt suggests couples therapy.\n"
        ":: prodependence\nNo.\n:::\n"
    )
    write(content_dir, "01-first/03-x.md", lesson_file(body=body))
    [problem] = only(content_dir)
    assert problem.line == 7 and problem.level == "warning"


@pytest.mark.parametrize(
    "target", ["02-the-first-weeks/05-when-you-are-afraid-of-your-partner.md", "crisis.md"]
)
def test_couples_therapy_beside_a_link_to_the_caveat_is_fine(content_dir, target):
    make_course(content_dir)
    write(content_dir, "02-the-first-weeks/_module.md", module_file())
    write(content_dir, target, lesson_file())
    body = f"Couples therapy may help later; [not where there is fear](../{target}).\n"
    write(content_dir, "01-first/03-x.md", lesson_file(body=body))
    assert problems_for(content_dir) == []


def test_the_afraid_lesson_itself_may_name_couples_therapy(content_dir):
    make_course(content_dir)
    write(content_dir, "02-the-first-weeks/_module.md", module_file())
    body = "Couples therapy is usually not advised where there is abuse.\n"
    write(
        content_dir,
        "02-the-first-weeks/05-when-you-are-afraid-of-your-partner.md",
        lesson_file(body=body),
    )
    assert problems_for(content_dir) == []


def test_bad_file_name(content_dir):
    make_course(content_dir)
    write(content_dir, "01-first/Notes.md", lesson_file())
    [problem] = only(content_dir)
    assert "lesson file name must look like" in problem.message


def test_problems_surface_through_manage_py_check(content_dir, db):
    make_course(content_dir)
    write(content_dir, "01-first/03-x.md", lesson_file(body="::: warning\nHmm.\n:::\n"))
    from django.core.management.base import SystemCheckError

    with pytest.raises(SystemCheckError, match=r"01-first/03-x.md:5: unknown block 'warning'"):
        call_command("check")
