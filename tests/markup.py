"""Reading a page as a browser's parser would: which elements and attributes it really holds."""

from html.parser import HTMLParser


class _StartTags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def start_tags(html: str) -> list[tuple[str, dict]]:
    """Every start tag in ``html`` with its attributes, in order."""
    parser = _StartTags()
    parser.feed(html)
    parser.close()
    return parser.tags


def active_markup(html: str) -> list[str]:
    """What in ``html`` would act rather than read: images, links, scripts, frames, meta
    refreshes and event-handler attributes. Empty for text that is only text."""
    found = []
    for tag, attrs in start_tags(html):
        if tag in ("img", "a", "script", "iframe", "object", "embed", "form"):
            found.append(tag)
        if tag == "meta" and "http-equiv" in attrs:
            found.append("meta http-equiv")
        found += [f"{tag} {name}" for name in attrs if name.startswith("on")]
    return found
