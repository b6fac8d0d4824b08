"""Autosave when Prodep does not answer: the text stays, the reader is told, saving resumes.

The server's answers are replaced in the browser (Playwright's route interception): first a
503, as the site gives while its database is down, then no answer at all, as when the server
or the network in between is gone; then the real server again. Page timers run on
Playwright's clock, so the backoff (2 s, then 4 s) costs no real waiting.
"""

import json
import re

from playwright.sync_api import expect

from lessons.models import Lesson
from prodep.journal.models import Reflection
from tests.factories import make_user

FIRST_LESSON = "/lessons/start-here/what-prodep-is/"
TYPED = "Written while the site was down."
# What the browser itself reports for the answers this test makes fail on purpose.
EXPECTED_FAILURES = re.compile(r"status of 503|net::ERR_FAILED")


def test_autosave_keeps_the_text_and_retries_until_prodep_answers(
    context, sign_in_context, synced_course, guard
):
    user = make_user("reader@example.com")
    sign_in_context(context, user)
    page = context.new_page()
    page.clock.install()
    page.goto(FIRST_LESSON)
    answers = iter(["503", "no answer"])

    def flaky(route):
        failure = next(answers, None)
        if failure == "503":
            body = {"ok": False, "retry": True, "error": "The site is not answering just now."}
            route.fulfill(status=503, content_type="application/json", body=json.dumps(body))
        elif failure == "no answer":
            route.abort()
        else:
            route.continue_()

    page.route("**/journal/answer/**", flaky)
    box = page.get_by_label("Your private answer")
    status = page.locator("[data-save-status]")
    box.fill(TYPED)
    page.clock.run_for(1300)  # the pause after typing: the first save answers 503
    expect(status).to_have_text(re.compile(r"^Not saved yet: .* we will keep trying to save it\.$"))
    expect(status).to_have_attribute("data-state", "retrying")
    page.clock.run_for(2500)  # the first retry, about 2 s later, gets no answer at all
    expect(status).to_have_attribute("data-state", "retrying")
    expect(box).to_have_value(TYPED)
    assert not Reflection.objects.exists()

    page.clock.run_for(5000)  # the second, about 4 s after that, reaches the server
    expect(status).to_have_text(re.compile(r"^Saved at \d\d:\d\d( UTC)?$"))
    prompt = Lesson.objects.get(slug="what-prodep-is").prompts.get()
    assert Reflection.objects.get(user=user, prompt=prompt).text == TYPED
    guard.problems = [p for p in guard.problems if not EXPECTED_FAILURES.search(p)]
