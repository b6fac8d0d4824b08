"""Project-wide middleware."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control

CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


class PrivateCacheMiddleware:
    """Send ``Cache-Control: no-store`` on every response to a signed-in user.

    The betraying partner may share the device: pressing Back after "Exit this page" or after
    signing out must show a sign-in page, never a lesson from the browser's cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in_before = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in_before or request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        if signed_in_before and not request.user.is_authenticated:
            # Just signed out: ask the browser to forget this site's cache and storage too.
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


class PermissionsPolicyMiddleware:
    """Send ``settings.PERMISSIONS_POLICY`` as the ``Permissions-Policy`` header on every page.

    Django has no setting for this header. Prodep needs no camera, microphone, location,
    payment or device access, so all are off: a script that got in could not ask for them.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response
