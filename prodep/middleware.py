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


# What a request's META may hold: the CGI variables, the HTTP headers, and what the server
# itself adds (wsgi.*, gunicorn.*); see RequestEnvironmentMiddleware.
_CGI_VARIABLES = frozenset(
    {
        "AUTH_TYPE",
        "CONTENT_LENGTH",
        "CONTENT_TYPE",
        "GATEWAY_INTERFACE",
        "HTTPS",
        "PATH_INFO",
        "QUERY_STRING",
        "RAW_URI",
        "REMOTE_ADDR",
        "REMOTE_HOST",
        "REMOTE_PORT",
        "REMOTE_USER",
        "REQUEST_METHOD",
        "REQUEST_URI",
        "SCRIPT_NAME",
        "SCRIPT_URL",
        "REDIRECT_URL",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "SERVER_SOFTWARE",
    }
)


class RequestEnvironmentMiddleware:
    """Keep only the request's own variables in ``request.META``.

    A WSGI server may start each request's environment from the process environment
    (runserver does): ``SECRET_KEY``, ``REFLECTION_KEYS`` and every other variable of the
    shell then sit in META, and allauth stores META in the session when a POST needs the
    password again. Nothing in the app reads such variables from a request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        for key in [key for key in meta if not _belongs_to_the_request(key)]:
            del meta[key]
        return self.get_response(request)


def _belongs_to_the_request(key: str) -> bool:
    return key.startswith(("HTTP_", "wsgi.", "gunicorn.")) or key in _CGI_VARIABLES
