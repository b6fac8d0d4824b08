"""Every content check, with one failing fixture each, reported as path:line with a hint."""

from pathlib import Path

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


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("status: live\n", "unknown status 'live'"),
        ("minutes: ten\n", "'minutes' must be a whole number"),
        ("minutes: 900\n", "'minutes' must be a whole number"),
        ("references: a book\n", "'references' must be a list of strings"),
    ],
)
def test_bad_front_matter_values_are_named(content_dir, extra, message):
    make_course(content_dir)
    write(content_dir, "01-first/03-x.md", lesson_file(extra=extra))
    [problem] = only(content_dir)
    assert (problem.path, problem.line, problem.message) == ("01-first/03-x.md", 2, message)
    assert problem.hint


def test_front_matter_that_is_not_a_mapping(content_dir):
    make_course(content_dir)
    write(content_dir, "01-first/03-x.md", "---\n- a list\n---\nText.\n")
    [problem] = only(content_dir)
    assert (problem.line, problem.message) == (2, "invalid front matter")


def test_front_matter_that_is_never_closed(content_dir):
    make_course(content_dir)
    write(content_dir, "01-first/03-x.md", "---\ntitle: T\nsummary: S\nText.\n")
    [problem] = only(content_dir)
    assert (problem.line, problem.message) == (1, "front matter is not closed")


def test_former_slugs_in_a_one_line_mapping_point_at_the_front_matter(content_dir):
    make_course(content_dir)
    write(
        content_dir, "01-first/03-x.md", "---\n{title: T, summary: S, former_slugs: 3}\n---\nT.\n"
    )
    [problem] = only(content_dir)
    assert (problem.line, problem.message) == (2, "'former_slugs' must be a list of slugs")


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("Text.\n:::\n", 6, "':::' closes no block"),
        (
            "::: note\nA.\n::: note\nB.\n:::\n",
            7,
            "'::: note' opens inside the block from line 5",
        ),
        (
            "::: contrast\n:: codependence\nA.\n:: other\nB.\n:::\n",
            8,
            "unknown contrast side 'other'",
        ),
        (
            "::: contrast\n:: codependence\nA.\n:: codependence\nB.\n:::\n",
            8,
            "contrast side 'codependence' appears twice",
        ),
        (
            "::: reflection id=q1\nA?\n:::\n::: reflection id=q1\nB?\n:::\n",
            8,
            "prompt id 'q1' is used twice in this file",
        ),
    ],
)
def test_misplaced_block_markers_are_named_at_their_line(content_dir, body, line, message):
    make_course(content_dir)
    write(content_dir, "01-first/03-x.md", lesson_file(body=body))
    assert (line, message) in [(p.line, p.message) for p in only(content_dir)]


def test_a_term_list_that_is_not_yaml_is_named_at_its_line(content_dir):
    make_course(content_dir)
    write(content_dir, "_language.yml", "blame: kinder\nbad: [unclosed\n")
    [problem] = only(content_dir)
    assert (problem.path, problem.message) == ("_language.yml", "the term list could not be read")
    assert problem.line >= 2


def test_a_term_list_that_is_not_a_mapping(content_dir):
    make_course(content_dir)
    write(content_dir, "_language.yml", "- blame\n")
    [problem] = only(content_dir)
    assert (problem.path, problem.message) == ("_language.yml", "the term list is not a mapping")


def test_a_missing_content_folder_is_one_problem(tmp_path):
    [problem] = problems_for(tmp_path / "nowhere")
    assert problem.message == "content folder not found"
    assert "CONTENT_DIR" in problem.hint


def test_a_file_that_is_not_utf8_is_named(content_dir):
    make_course(content_dir)
    (content_dir / "01-first/03-x.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    [problem] = only(content_dir)
    assert (problem.path, problem.message) == ("01-first/03-x.md", "file is not UTF-8 text")


def test_a_file_that_cannot_be_read_is_named(content_dir, monkeypatch):
    make_course(content_dir)
    unreadable = write(content_dir, "01-first/03-x.md", lesson_file())
    read_text = Path.read_text

    def refuse(path, *args, **kwargs):
        if path == unreadable:
            raise PermissionError(13, "Permission denied")
        return read_text(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", refuse)
    [problem] = only(content_dir)
    assert (problem.path, problem.message) == (
        "01-first/03-x.md",
        "file cannot be read (Permission denied)",
    )


def test_bad_page_and_module_folder_names(content_dir):
    make_course(content_dir)
    write(content_dir, "Crisis.md", lesson_file())
    write(content_dir, "second/_module.md", module_file())
    messages = {p.path: p.message for p in only(content_dir)}
    assert messages == {
        "Crisis.md": "page file names use lowercase and hyphens",
        "second": "module folder name must look like '01-slug'",
    }


def test_a_module_without_its_module_file(content_dir):
    make_course(content_dir)
    write(content_dir, "02-second/01-lesson-9.md", lesson_file())
    [problem] = only(content_dir)
    assert (problem.path, problem.message) == ("02-second/_module.md", "module has no _module.md")


def test_other_files_in_a_module_folder_are_ignored(content_dir):
    make_course(content_dir)
    write(content_dir, "01-first/notes.txt", "scratch")
    (content_dir / "01-first/images").mkdir()
    assert problems_for(content_dir) == []
