"""Deployment checks of the settings only this project has (``check --deploy``)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def site_url_is_set(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Production links in emails must not be built from a request's Host header."""
    if settings.DEBUG or settings.SITE_URL:
        return []
    return [
        checks.Warning(
            "SITE_URL is not set: links in emails and invitations follow the address each "
            "request names, within ALLOWED_HOSTS but on any port.",
            hint="Set SITE_URL to the site's public address, e.g. https://prodep.example.org.",
            id="prodep.W001",
        )
    ]
