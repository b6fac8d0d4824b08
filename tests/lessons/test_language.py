"""The language check catches a listed term in any inflected form, and nothing that only
shares its stem: "enables" for "enable", never "table"; "codependents", never "codependence"."""

import pytest

from lessons.content import check_tree
from lessons.language import Vocabulary
from lessons.rendering import render_document
from tests.conftest import CONTENT_DIR
from tests.factories import lesson_file, make_course, write

TERMS = {
    "enable": "help, support",
    "codependent": "a partner doing their best",
    "controlling": "trying to restore safety",
    "crazy": "overwhelmed, shaken",
    "obsessed": "preoccupied, understandably",
    "you caused": "(describe what happened without assigning blame)",
    "co-addict": "betrayed partner",
    "love addict": "deeply attached partner",
}
VOCABULARY = Vocabulary(TERMS)


def found(text: str) -> list[tuple[str, str]]:
    return [(m.found, m.term) for m in VOCABULARY.find(text)]


@pytest.mark.parametrize(
    "text, form, term",
    [
        ("This enables him.", "enables", "enable"),
        ("You enabled it.", "enabled", "enable"),
        ("Stop enabling.", "enabling", "enable"),
        ("Two codependents met.", "codependents", "codependent"),
        ("She was controlled.", "controlled", "controlling"),
        ("Is that crazy?", "crazy", "crazy"),
        ("Are you obsessing?", "obsessing", "obsessed"),
        ("Did you cause this?", "you cause", "you caused"),
        ("You Causing It", "You Causing", "you caused"),
        ("The co-addicts' group.", "co-addicts", "co-addict"),
        ("Two love addicts.", "love addicts", "love addict"),
        ("A partner's ENABLING.", "ENABLING", "enable"),
    ],
)
def test_inflected_forms_of_a_term_are_found_as_written(text, form, term):
    assert found(text) == [(form, term)]


@pytest.mark.parametrize(
    "text",
    [
        "Put it on the table; the tables are stable and unstable.",  # "enabl" never "tabl"
        "The codependence model; codependency as an idea.",  # the idea, not the label
        "You cannot control what he does; control is not yours.",
        "Obsession is a strong word; an obsessive search.",  # other words from the stem
        "A cause, because, you let them.",
        "Love is not addiction. Your love, his addict friends.",  # the words apart
        "Caused by you.",
        "JavaScript-enabled pages.",  # part of another word
        "An enabler, a controller.",  # derived words: list them if they are meant
    ],
)
def test_words_that_only_share_a_stem_are_not_flagged(text):
    assert found(text) == []


def test_a_problem_names_the_form_found_with_file_and_line(content_dir):
    make_course(content_dir)
    write(content_dir, "_language.yml", "enable: help, support\n")
    write(content_dir, "01-first/03-x.md", lesson_file(body="Fine.\n\nThis enables him.\n"))
    [problem] = check_tree(content_dir)[2]
    assert str(problem) == (
        "01-first/03-x.md:7: blaming or pathologising language: 'enables' (a form of 'enable')"
    )
    assert problem.hint.startswith("Try: help, support.")


def test_the_title_and_summary_are_reported_on_their_own_lines():
    text = "---\ntitle: Enabling\nsummary: About it.\nstatus: draft\n---\nText.\n"
    result = render_document(text, "x.md", url_for_path={}, vocabulary=VOCABULARY)
    assert [(p.line, p.message) for p in result.problems] == [
        (2, "blaming or pathologising language: 'Enabling' (a form of 'enable')")
    ]


def test_problems_in_a_file_come_in_line_order(content_dir):
    make_course(content_dir)
    write(content_dir, "_language.yml", "enable: help\n")
    write(
        content_dir,
        "01-first/03-x.md",
        lesson_file(body="It enables.\n\n::: oops\nx\n:::\n\n![](a.png)\n"),
    )
    lines = [p.line for p in check_tree(content_dir)[2]]
    assert lines == sorted(lines) and len(lines) == 3


def test_the_shipped_content_passes_with_the_stemmed_check():
    assert [str(p) for p in check_tree(CONTENT_DIR)[2]] == []


def test_an_empty_term_list_finds_nothing():
    assert Vocabulary({}).find("You are codependent.") == []
