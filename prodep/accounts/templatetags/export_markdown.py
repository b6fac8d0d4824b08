"""Filters for the readable copy of a person's data (``my-data.md``)."""

import re

from django import template

register = template.Library()

_WHITESPACE = re.compile(r"\s+")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]])")


@register.filter
def markdown_text(value) -> str:
    """``value`` as Markdown that shows exactly this text and nothing else.

    A therapist's name, the alias, a note: someone else wrote them, and a Markdown viewer
    would turn raw HTML into images or scripts and ``[text](url)`` into links. ``<`` becomes an
    entity (no HTML element can start), the characters that make emphasis, code and links are
    escaped with a backslash, and line breaks become spaces so no text can start a heading or
    a list of its own. ``&`` and other characters stay as typed, readable in a plain editor.
    """
    text = _WHITESPACE.sub(" ", str(value)).strip()
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("<", "&lt;")
