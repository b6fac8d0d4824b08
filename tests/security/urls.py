"""Every URL pattern of the project, with sample arguments, for the sweeps."""

from django.urls import URLPattern, URLResolver, get_resolver

SAMPLE = {"int": "1", "slug": "sample", "str": "sample", "path": "sample/x.md"}


def all_patterns():
    """Yield (name, route, path with sample arguments) for every pattern."""

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
                yield name, route, "/" + _fill(route)

    yield from walk(get_resolver().url_patterns, "", None)


def _fill(route: str) -> str:
    import re

    if route.startswith("^") or "(?P" in route:  # regex routes (admin, allauth's reset key)
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", "sample", route)
        route = route.replace("^", "").replace("$", "").replace("\\", "")
    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: SAMPLE.get(m.group(1) or "str", "1"), route)
