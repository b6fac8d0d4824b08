from django import template

from lessons.rendering import ANSWER_SLOT_RE

register = template.Library()


@register.filter
def lesson_segments(html: str) -> list[dict]:
    """Split stored lesson HTML around its answer slots, so the page can place answer forms.

    Only the markers written by the renderer match: author comments are stripped at sync.
    """
    segments = []
    position = 0
    for match in ANSWER_SLOT_RE.finditer(html):
        segments.append({"html": html[position : match.start()]})
        segments.append({"prompt_key": match.group(1)})
        position = match.end()
    segments.append({"html": html[position:]})
    return segments


@register.filter
def get_item(mapping, key):
    """``{{ answers|get_item:key }}``: look a key up in a dict from the view."""
    return mapping.get(key) if mapping else None
