from django import template

from prodep.accounts.devices import describe_device

register = template.Library()


@register.filter
def device(user_agent: str) -> str:
    """``{{ session.user_agent|device }}``: "Chrome on Android"."""
    return describe_device(user_agent or "")
