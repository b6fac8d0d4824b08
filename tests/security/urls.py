"""Every URL pattern of the project, with sample arguments, for the sweeps."""

import inspect
import re

from django.urls import URLPattern, URLResolver, get_resolver

SAMPLE = {"int": "1", "slug": "sample", "str": "sample", "path": "sample/x.md"}


def all_patterns():
    """Yield (name, route, path with sample arguments) for every pattern."""
    for name, route, _view in _walk(get_resolver().url_patterns, "", None):
        yield name, route, "/" + _fill(route)


def post_only_views():
    """Yield (name, path with sample arguments) for every view that answers POST alone."""
    for name, route, view in _walk(get_resolver().url_patterns, "", None):
        if allowed_methods(view) == {"POST"}:
            yield name, "/" + _fill(route)


def allowed_methods(view) -> set[str] | None:
    """The HTTP methods a view restricts itself to, or None when it takes any.

    ``require_POST``/``require_http_methods`` keep their list in the closure of the function
    they return, found by following ``__wrapped__`` through the other decorators; a class view
    takes the methods it has a handler for.
    """
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return {
            method.upper()
            for method in view_class.http_method_names
            if method != "options" and hasattr(view_class, method)
        }
    while view is not None:
        if inspect.isfunction(view) and view.__closure__:
            methods = inspect.getclosurevars(view).nonlocals.get("request_method_list")
            if methods is not None:
                return set(methods)
        view = getattr(view, "__wrapped__", None)
    return None


def _walk(patterns, prefix, namespace):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, route, pattern.callback


def _fill(route: str) -> str:
    if route.startswith("^") or "(?P" in route:  # regex routes (admin, allauth's reset key)
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", "sample", route)
        route = route.replace("^", "").replace("$", "").replace("\\", "")
    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: SAMPLE.get(m.group(1) or "str", "1"), route)
