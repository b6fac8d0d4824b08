"""Sign the bench users in and write what wrk needs: cookies, CSRF tokens and paths.

Run by bench/run.py as ``python -m bench.prepare OUT.json`` with the same environment as the
gunicorn it is about to start (same database, SECRET_KEY and settings), after ``bench_data`` and
``collectstatic``. Sessions are made the way Django's test client makes them (``force_login``),
so they are ordinary database sessions, valid on the server. It also renders the lesson page
once to measure its size, for the ceiling file of the same size.
"""

import json
import secrets
import string
import sys
import time

# Which endpoint user each benchmarked page is read as.
WHO = {
    "floor": "reader",
    "lesson": "reader",
    "dashboard": "reader",
    "journal": "journal",
    "roster": "therapist",
    "client": "therapist",
}
ALPHABET = string.ascii_letters + string.digits


def main(out: str) -> None:
    import django

    django.setup()  # before anything that reads the models or the settings

    from bench.data import BENCH_PASSWORD, ENDPOINT_USERS
    from prodep.accounts.models import User

    users = {role: User.objects.get(email=email) for role, email in ENDPOINT_USERS.items()}
    signed = {role: sign_in(users[role]) for role in ("reader", "journal", "therapist")}
    paths = page_paths(users)
    response = signed["reader"]["client"].get(paths["lesson"])
    if response.status_code != 200:
        sys.exit(f"The lesson page answered {response.status_code}, not 200.")
    data = {
        "cookies": {role: s["cookie"] for role, s in signed.items()},
        "csrf": {role: s["csrf"] for role, s in signed.items()},
        "paths": paths,
        "who": WHO,
        "lesson_bytes": len(response.content),
        "autosave": autosave_users(),
        "prompt_keys": prompt_keys(),
        "password": BENCH_PASSWORD,
        "emails": ENDPOINT_USERS,
    }
    with open(out, "w") as f:
        json.dump(data, f, indent=1)


def sign_in(user) -> dict:
    """A database session for ``user``, as the test client makes one, and a CSRF secret."""
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    # The records allauth keeps of a log-in with password and authenticator code: clinic
    # pages need a second factor in the session itself (prodep.accounts.two_factor).
    session = client.session
    session["account_authentication_methods_user"] = str(user.pk)
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time()},
        {"method": "mfa", "at": time.time(), "type": "totp"},
    ]
    session.save()
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    csrf = "".join(secrets.choice(ALPHABET) for _ in range(32))  # an unmasked CSRF secret
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"
    return {"cookie": cookie, "csrf": csrf, "client": client}


def page_paths(users: dict) -> dict[str, str]:
    """The path of each benchmarked page: the chosen lesson, and the reader's client page."""
    from bench.data import CHOSEN_LESSON, CHOSEN_MODULE
    from lessons.models import Lesson, Status
    from prodep.clinic.models import CareLink

    lessons = list(
        Lesson.objects.filter(is_live=True, status=Status.PUBLISHED, module__is_live=True)
        .select_related("module")
        .order_by("module__position", "position")
    )
    modules = list(dict.fromkeys(lesson.module for lesson in lessons))
    chosen = [lesson for lesson in lessons if lesson.module == modules[CHOSEN_MODULE - 1]]
    lesson = chosen[CHOSEN_LESSON - 1]
    link = CareLink.objects.get(therapist__user=users["therapist"], client=users["reader"])
    return {
        "floor": "/bench/floor/",
        "lesson": lesson.get_absolute_url(),
        "dashboard": "/home/",
        "journal": "/journal/",
        "roster": "/clinic/",
        "client": f"/clinic/clients/{link.pk}/",
    }


def autosave_users() -> list[dict]:
    from bench.data import DOMAIN
    from prodep.accounts.models import User

    return [
        {"email": u.email, **{k: v for k, v in sign_in(u).items() if k != "client"}}
        for u in User.objects.filter(email__startswith="autosave-", email__endswith=f"@{DOMAIN}")
    ]


def prompt_keys() -> list[str]:
    from lessons.models import Prompt

    return list(
        Prompt.objects.filter(is_live=True, lesson__is_live=True)
        .order_by("lesson__module__position", "lesson__position", "position")
        .values_list("key", flat=True)
    )


if __name__ == "__main__":
    main(sys.argv[1])
