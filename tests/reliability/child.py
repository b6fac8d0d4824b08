"""One write in a child process, which can stop inside its transaction to be killed there.

Run by tests/reliability/test_interrupted_writes.py as ``python -m tests.reliability.child
COMMAND ...`` with ``DATABASE_URL`` and ``CONTENT_DIR`` in the environment. With ``--pause``,
the write stops once it has written part of its rows, before its transaction commits, prints
``PAUSED`` and sleeps: the test kills it with SIGKILL there, as a worker killed mid-request.
The pause is added here, in the child; Prodep's code has no hook for it.

Commands (each write prints what the database holds after it, as the reads do):
  sync [--pause]                  sync_content (pauses after writing the second lesson)
  answer EMAIL KEY TEXT [--pause] save_answer, as autosave does, for a reader made on first
                                  use (pauses after the update)
  lessons                         JSON: each live lesson's slug and title
  text EMAIL KEY                  JSON: the reader's answer to the prompt
"""

import json
import sys
import time

import django

PAUSED = "PAUSED inside the transaction"


def pause() -> None:
    print(PAUSED, flush=True)
    time.sleep(120)


def after(function, calls: int):
    """``function``, pausing once it has been called ``calls`` times."""
    count = [0]

    def wrapped(*args, **kwargs):
        result = function(*args, **kwargs)
        count[0] += 1
        if count[0] == calls:
            pause()
        return result

    return wrapped


def main(command: str, *args: str) -> None:
    django.setup()
    from django.conf import settings

    from lessons import sync as lessons
    from lessons.models import Lesson
    from prodep.accounts.models import User
    from prodep.journal import services as journal
    from prodep.journal.models import Reflection
    from tests.factories import make_user

    paused = "--pause" in args
    args = tuple(a for a in args if a != "--pause")
    if command == "sync":
        if paused:
            lessons._write_lesson = after(lessons._write_lesson, 2)
        lessons.sync_content(settings.CONTENT_DIR)
        command = "lessons"
    elif command == "answer":
        email, key, text = args
        reader = User.objects.filter(email=email).first() or make_user(email)
        if paused:
            Reflection.refresh_from_db = after(Reflection.refresh_from_db, 1)
        journal.save_answer(reader, key, text)
        command, args = "text", (email, key)
    if command == "lessons":
        live = Lesson.objects.filter(is_live=True).order_by("slug")
        print(json.dumps(dict(live.values_list("slug", "title"))))
    elif command == "text":
        email, key = args
        reflection = Reflection.objects.get(user__email=email, prompt__key=key)
        print(json.dumps(reflection.text))
    else:
        sys.exit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(*sys.argv[1:])
