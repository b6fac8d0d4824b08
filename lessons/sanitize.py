"""The one place where rendered lesson HTML is cleaned. Swap the library here if needed.

bleach runs with an allow-list: no scripts, styles, frames, forms, SVG or event attributes
survive; URLs must be http, https, mailto, tel, sms or relative; links to other sites get
``rel="noopener noreferrer"``. ``tel:`` and ``sms:`` let a reader on a phone call or text a
helpline from the crisis page with one tap; they open the phone's dialler or messages and
run nothing in the page.
"""

from urllib.parse import urlsplit

import bleach
from bleach.html5lib_shim import Filter  # type: ignore[attr-defined]  # not in types-bleach

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "a",
        "em",
        "strong",
        "b",
        "i",
        "u",
        "s",
        "del",
        "ins",
        "mark",
        "small",
        "sub",
        "sup",
        "abbr",
        "kbd",
        "code",
        "pre",
        "blockquote",
        "q",
        "cite",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "caption",
        "img",
        "figure",
        "figcaption",
        "div",
        "span",
    }
)
ALLOWED_ATTRIBUTES = {
    "*": ["id", "title"],
    "a": ["href", "rel", "class"],
    "abbr": ["title"],
    "img": ["src", "alt", "width", "height"],
    "th": ["align", "scope", "colspan", "rowspan"],
    "td": ["align", "colspan", "rowspan"],
    "ol": ["start", "class"],
    "li": ["id", "class"],
    "div": ["class"],
    "sup": ["class"],
    "span": ["class"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel", "sms"})


class ExternalLinkFilter(Filter):
    """Give links that leave the site ``rel="noopener noreferrer"``."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] == "StartTag" and token["name"] == "a":
                attrs = token["data"]
                href = attrs.get((None, "href"), "")
                if urlsplit(href.strip()).scheme in ("http", "https"):
                    attrs[(None, "rel")] = "noopener noreferrer"
            yield token


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[ExternalLinkFilter],
)


def sanitize_html(html: str) -> str:
    """Return ``html`` reduced to the allow-list. Idempotent."""
    return _cleaner.clean(html)
