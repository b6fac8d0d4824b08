"""Every place that turns escaping off is listed here, with why it is safe.

A new ``|safe``, ``mark_safe``, ``format_html``, ``SafeString`` or ``{% autoescape off %}``
fails this test until it is reviewed and added to the allow-list.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PATTERN = re.compile(r"\|safe\b|mark_safe\(|format_html\(|SafeString|autoescape off")
ALLOWED = {
    # Lesson, module and page HTML: rendered from content/ and sanitised with bleach at sync.
    ("templates/lessons/module.html", "module.module.intro_html|safe"),
    ("templates/lessons/page.html", "page.html|safe"),
    ("templates/lessons/lesson.html", "segment.html|safe"),
    ("templates/lessons/lesson.html", "reference|safe"),
    # The author preview renders the same sanitising pipeline, from disk, for authors only.
    ("templates/lessons/preview.html", "result.html|safe"),
    # A Markdown file inside the user's own data download, never served as HTML; what others
    # wrote goes through markdown_text there.
    ("templates/accounts/export.md", "autoescape off"),
    # Plain-text email bodies: not HTML (HTML escaping showed O'Brien as O&#x27;Brien).
    ("templates/account/email/base_message.txt", "autoescape off"),
    ("templates/account/email/email_confirmation_message.txt", "autoescape off"),
    ("templates/clinic/email/invitation.txt", "autoescape off"),
    ("templates/clinic/email/update.txt", "autoescape off"),
    ("templates/account/email/base_notification.txt", "autoescape off"),
    # A form field's help text is written in code (the password rules are Django's own list),
    # never by a user; Django's own field template marks it safe the same way.
    ("templates/_field.html", "field.help_text|safe"),
    # The roster's module bars and the share buttons, drawn in Python for speed: integers, and
    # every text through escape() (tests/clinic/test_drawn_markup.py).
    ("prodep/clinic/templatetags/clinic.py", "    return mark_safe("),
}


def uses():
    for folder in ("templates", "prodep", "lessons"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".html", ".py", ".txt", ".md") or "migrations" in path.parts:
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                for match in PATTERN.finditer(line):
                    start = max(0, match.start() - 40)
                    yield str(path.relative_to(ROOT)), line[start : match.end()]


def test_every_unescaped_output_is_on_the_allow_list():
    unexpected = [
        (path, snippet)
        for path, snippet in uses()
        if not any(path == ok_path and ok in snippet for ok_path, ok in ALLOWED)
    ]
    assert unexpected == []


def test_the_scan_does_find_the_known_uses():
    assert len(list(uses())) >= len(ALLOWED)
