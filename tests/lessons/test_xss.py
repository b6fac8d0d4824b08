"""After sync, no lesson's HTML contains an executable construct, whatever the author wrote."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import yaml

from lessons.models import Lesson, Prompt
from lessons.sync import sync_content
from tests.factories import lesson_file, make_course, write
from tests.lessons.xss_payloads import PAYLOADS

FORBIDDEN_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "style",
    "form",
    "input",
    "button",
    "textarea",
    "link",
    "meta",
    "base",
    "template",
    "video",
    "source",
    "details",
    "noscript",
    "body",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcdoc", "xlink:href"}


class ExecutableFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and value is not None:
                scheme = urlsplit(value.strip().replace("\t", "").replace("\n", "")).scheme
                if scheme and scheme.lower() not in ("http", "https", "mailto", "tel", "sms"):
                    self.found.append(f"{tag}[{name}={value}]")

    handle_startendtag = handle_starttag


def executable_constructs(html: str) -> list[str]:
    finder = ExecutableFinder()
    finder.feed(html)
    return finder.found


def test_the_corpus_is_large_enough():
    assert len(PAYLOADS) >= 40


def test_the_finder_does_see_raw_payloads():
    """Guard against a finder that can never fail."""
    assert executable_constructs("<script>x</script><a href='javascript:x'>")
    assert executable_constructs("<img src=x onerror=alert(1)>")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_neutralised_everywhere_an_author_can_write(content_dir, db, payload):
    make_course(content_dir, lessons=1)
    body = (
        f"{payload}\n\n"
        f"::: note {payload}\n{payload}\n:::\n\n"
        f"::: contrast {payload}\n:: codependence\n{payload}\n:: prodependence\n{payload}\n:::\n\n"
        f"::: reflection id=xss\n{payload}\n:::\n"
    )
    write(
        content_dir,
        "01-first/02-attack.md",
        lesson_file("Attack", body, extra=yaml.safe_dump({"references": [payload]})),
    )
    sync_content(content_dir)
    lesson = Lesson.objects.get(slug="attack")
    for html in [lesson.html, *lesson.references, Prompt.objects.get(key="xss").html]:
        assert executable_constructs(html) == [], html
