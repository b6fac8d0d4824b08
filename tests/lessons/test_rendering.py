"""Each block, the link rewriting, and the sanitiser's guarantees."""

import pytest

from lessons.language import Vocabulary
from lessons.rendering import ANSWER_SLOT_RE, render_document

VOCAB = Vocabulary({"codependent": "a partner doing their best", "enabling": "helping"})


def render(body: str, meta: str = "title: T\nsummary: S\n", urls=None, path="01-m/01-l.md"):
    return render_document(
        f"---\n{meta}---\n{body}", path, url_for_path=urls or {}, vocabulary=VOCAB
    )


def messages(result):
    return [p.message for p in result.problems]


def test_plain_markdown_becomes_html_with_a_table_of_contents():
    result = render(
        "## First part\n\nSome *text*.\n\n## Second part\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n"
    )
    assert result.problems == []
    assert '<h2 id="first-part">First part</h2>' in result.html
    assert "<em>text</em>" in result.html
    assert '<td align="center">2</td>' in result.html
    assert [entry["title"] for entry in result.toc] == ["First part", "Second part"]


def test_contrast_block_renders_two_labelled_sides():
    result = render(
        "::: contrast Checking the phone\n:: codependence\nA *pattern*.\n"
        ":: prodependence\nA search for safety.\n:::\n"
    )
    assert result.problems == []
    assert 'class="contrast"' in result.html
    assert '<h3 class="contrast__title" id="contrast-5">Checking the phone</h3>' in result.html
    assert "The codependence lens" in result.html and "The prodependence lens" in result.html
    assert "<em>pattern</em>" in result.html
    assert result.contrast_count == 1


def test_reflection_block_leaves_an_answer_slot_and_records_the_prompt():
    result = render("Text.\n\n::: reflection id=first-days\nWhat did you *feel*?\n:::\n")
    assert result.problems == []
    assert [p.key for p in result.prompts] == ["first-days"]
    assert result.prompts[0].text == "What did you *feel*?"
    assert ANSWER_SLOT_RE.search(result.html).group(1) == "first-days"
    assert 'aria-labelledby="reflection-first-days-label"' in result.html


@pytest.mark.parametrize(
    "kind,label", [("note", "Note"), ("safety", "Your safety"), ("try-this", "Try this")]
)
def test_callouts_render_with_a_default_or_given_title(kind, label):
    result = render(f"::: {kind}\nBody text.\n:::\n\n::: {kind} Custom title\nMore.\n:::\n")
    assert result.problems == []
    assert f'class="callout callout--{kind}"' in result.html
    assert f'<p class="callout__title">{label}</p>' in result.html
    assert '<p class="callout__title">Custom title</p>' in result.html


def test_relative_md_links_become_lesson_urls():
    urls = {"02-other/03-x.md": "/lessons/other/x/", "glossary.md": "/help/glossary/"}
    result = render("See [x](../02-other/03-x.md) and [term](../glossary.md#boundary).", urls=urls)
    assert result.problems == []
    assert 'href="/lessons/other/x/"' in result.html
    assert 'href="/help/glossary/#boundary"' in result.html
    assert result.links == ["02-other/03-x.md", "glossary.md"]


def test_external_links_get_noopener_noreferrer():
    result = render("[site](https://example.org/page)")
    assert 'rel="noopener noreferrer"' in result.html


def test_helpline_links_may_call_or_text_and_nothing_else_sneaks_in():
    body = (
        "[call 988](tel:988) [text](sms:741741) [x](javascript:alert(1)) "
        "[y](data:text/html,hi) [z](vbscript:msgbox)"
    )
    html = render(body).html
    assert 'href="tel:988"' in html and 'href="sms:741741"' in html
    assert "javascript" not in html and "data:" not in html and "vbscript" not in html
    assert "noopener" not in html  # a call is not a visit to another site


def test_word_count_and_minutes_are_computed_unless_given():
    body = "word " * 450
    assert render(body).minutes == 3
    assert render(body, meta="title: T\nsummary: S\nminutes: 7\n").minutes == 7
    assert render(body).word_count == 450


def test_author_comments_cannot_forge_an_answer_slot():
    result = render("<!--prodep:answer:stolen-->\n\nText.")
    assert not ANSWER_SLOT_RE.search(result.html)


def test_codes_in_fenced_blocks_are_not_parsed_as_blocks():
    result = render("```\n::: note\n```\n")
    assert result.problems == []
    assert "::: note" in result.html


FENCED = (
    "Try this phrase:\n\n```text\nI need a moment.\n<script>alert(1)</script>\n"
    '<img src=x onerror="alert(2)">\n::: note\n```\n\nAfter the code.\n'
)


def test_fenced_code_blocks_render_as_code():
    result = render(FENCED)
    assert result.problems == []
    assert "<pre><code>I need a moment.\n" in result.html
    assert "After the code." in result.html
    assert "```" not in result.html


def test_fenced_code_is_text_however_it_looks():
    """Markup in a code block is shown, escaped; nothing in it runs or becomes an element."""
    for body in (FENCED, f"::: try-this An exercise\n{FENCED}:::\n"):
        html = render(body).html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<script" not in html and "<img" not in html
        assert "::: note" in html  # a block marker inside code is only text
