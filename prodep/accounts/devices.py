"""A browser's user-agent string in words a person recognises: "Chrome on Android"."""

from functools import lru_cache

from ua_parser import parse

# What the parser's families say, as people call them.
_BROWSER_NAMES = {
    "Chrome Mobile": "Chrome",
    "Chrome Mobile iOS": "Chrome",
    "HeadlessChrome": "Chrome",
    "Mobile Safari": "Safari",
    "Firefox Mobile": "Firefox",
    "Firefox iOS": "Firefox",
    "Edge Mobile": "Edge",
}
_SYSTEM_NAMES = {"Mac OS X": "macOS"}


@lru_cache(maxsize=512)
def describe_device(user_agent: str) -> str:
    """ "Chrome on Android", "Safari on iOS", "Firefox"; "An unknown browser" when unreadable.

    Parsed by ua-parser (the uap-core rules), never by a hand-made pattern.
    """
    result = parse(user_agent or "")
    browser = result.user_agent.family if result.user_agent else ""
    system = result.os.family if result.os else ""
    browser = _BROWSER_NAMES.get(browser, browser) if browser != "Other" else ""
    system = _SYSTEM_NAMES.get(system, system) if system != "Other" else ""
    if browser and system:
        return f"{browser} on {system}"
    return browser or (f"A browser on {system}" if system else "An unknown browser")
