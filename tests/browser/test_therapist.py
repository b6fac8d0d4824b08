"""Journey 4: a therapist applies, is approved, sets up two-factor sign-in and invites a client;
the client links, is assigned a module, shares one reflection and stops sharing it.

Three people in three browser contexts: the therapist, an administrator and the client (the
partner). Everyone signs in through the log-in form; the administrator with a code from an
authenticator app, computed here from the secret as the app would, and so does the therapist
to set one up. Setting up two-factor sign-in straight after signing in counts that sign-in as the
recent password; changing what is shared asks for the password again.
"""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from playwright.sync_api import expect

from lessons.models import Lesson
from tests.factories import PASSWORD, make_user, totp_code_to_type

from .conftest import axe_problems, log_in

ADMIN_SECRET = "JBSWY3DPEHPK3PXP"
THERAPIST = "Dr Rivera"
NOTE = "Read this before our next session."
ANSWER = "I keep checking his phone, and I hate that I do."


def enter_code(page, secret: str, label: str, button: str, accepted):
    """Type the app's code and submit. A code lasts 30 seconds: if it rolled over on the way
    and is refused, type the new one, as a person would."""
    refused = page.get_by_text("Incorrect code.")
    for _ in range(2):
        page.get_by_label(label).fill(totp_code_to_type(secret))
        page.get_by_role("button", name=button).click()
        expect(accepted.or_(refused)).to_be_visible()
        if accepted.is_visible():
            return
    expect(accepted).to_be_visible()


def confirm_password(page):
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()


@pytest.fixture
def people(synced_course, live_server, settings):
    settings.SITE_URL = live_server.url  # invitation links point at the server under test
    admin = make_user("admin@example.com", is_staff=True, is_superuser=True)
    TOTP.activate(admin, ADMIN_SECRET)  # encrypted at rest, as the app's own setup stores it
    return {
        "admin": admin,
        "therapist": make_user("therapist@example.com"),
        "partner": make_user("partner@example.com"),
    }


def test_journey_4_therapist_invites_assigns_and_sees_only_what_is_shared(
    open_context, people, live_server, shot
):
    therapist = open_context().new_page()
    admin = open_context().new_page()
    partner = open_context().new_page()
    problems = []  # axe-core on each therapist and client page type, checked at the end

    # The therapist applies from Settings.
    log_in(therapist, "therapist@example.com")
    expect(therapist).to_have_url(re.compile(r"/home/$"))
    therapist.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    therapist.get_by_role("link", name=re.compile("Apply for a therapist account")).click()
    expect(therapist).to_have_url(re.compile(r"/clinic/apply/$"))
    problems += axe_problems(therapist)
    therapist.get_by_label("Your name as clients will see it").fill(THERAPIST)
    therapist.get_by_label("Credentials").fill("Licensed marriage and family therapist")
    therapist.get_by_label("Practice").fill("Riverside Practice")
    therapist.get_by_label("Country").fill("UK")
    therapist.get_by_role("button", name="Send application").click()
    expect(therapist.get_by_text("Thank you. We will review your application.")).to_be_visible()
    shot(therapist, "01-application-sent")

    # An administrator signs in with password and authenticator code, and approves.
    log_in(admin, "admin@example.com")
    expect(admin).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    welcome = admin.get_by_role("heading", name=re.compile(r"^Welcome"), level=1)
    enter_code(admin, ADMIN_SECRET, "Code", "Sign in", welcome)
    expect(admin).to_have_url(re.compile(r"/home/$"))
    admin.goto("/admin/clinic/therapistprofile/")
    row = admin.get_by_role("row").filter(has_text=THERAPIST)
    row.get_by_role("checkbox").check()
    action = admin.get_by_role("combobox", name="Action")
    action.select_option(label="Approve selected applications")
    admin.get_by_role("button", name="Run").click()
    expect(admin.get_by_text("Approved 1 therapist(s).")).to_be_visible()
    expect(admin.get_by_role("row").filter(has_text=THERAPIST)).to_contain_text("Approved")
    shot(admin, "02-admin-approved")

    # The approved therapist must set up an authenticator app before any client data: the
    # welcome says why, and set-up straight after signing in asks for no password again.
    therapist.goto("/clinic/")
    expect(therapist).to_have_url(re.compile(r"/clinic/welcome/$"))
    therapist.get_by_role("link", name="Set up two-factor sign-in").click()
    expect(therapist).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    secret = therapist.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}=*", secret), secret
    recovery = therapist.get_by_role("heading", name="Save your recovery codes", level=1)
    enter_code(therapist, secret, "six-digit code", "Turn on two-factor sign-in", recovery)
    therapist.get_by_role("link", name="Continue").click()
    expect(therapist).to_have_url(re.compile(r"/clinic/$"))
    expect(therapist.get_by_text("No clients to show.")).to_be_visible()
    problems += axe_problems(therapist)

    # ...and invites a client with a link passed on by hand.
    therapist.get_by_role("link", name="Invite a client").click()
    therapist.get_by_role("button", name="Create invitation").click()
    invite_url = therapist.locator("#invite-url").input_value()
    assert invite_url.startswith(f"{live_server.url}/invite/")
    problems += axe_problems(therapist)
    shot(therapist, "03-invitation-link")

    # The partner opens the link, reads what would be shared, and accepts under an alias.
    log_in(partner, "partner@example.com")
    expect(partner).to_have_url(re.compile(r"/home/$"))
    partner.goto(invite_url)
    expect(partner.get_by_role("heading", level=1)).to_have_text(f"{THERAPIST} has invited you")
    will_see = partner.get_by_role("region", name="If you accept, your therapist will see")
    expect(will_see).to_contain_text("only the reflections you choose to share with them")
    expect(will_see).to_contain_text("They will not see")
    expect(will_see).to_contain_text("any reflection you have not shared with them")
    problems += axe_problems(partner)
    shot(partner, "04-invitation")
    partner.get_by_label("The name your therapist will see").fill("Sam")
    partner.get_by_role("button", name="Accept and link my account").click()
    expect(partner).to_have_url(re.compile(r"/care/$"))
    expect(partner.get_by_text(f"You are now linked with {THERAPIST}.")).to_be_visible()
    expect(partner.get_by_text('They see you as "Sam".')).to_be_visible()
    problems += axe_problems(partner)

    # The therapist assigns the first module with a note.
    therapist.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    therapist.get_by_role("link", name="Sam").click()
    expect(therapist.get_by_role("heading", level=1)).to_have_text("Sam")
    therapist.get_by_role("link", name="Assign a module or lesson").click()
    expect(therapist).to_have_url(re.compile(r"/clinic/clients/\d+/assign/$"))
    problems += axe_problems(therapist)
    therapist.get_by_label("Module").select_option(label="Start here")
    therapist.get_by_label("Note for your client (optional)").fill(NOTE)
    therapist.get_by_role("button", name="Save").click()
    expect(therapist.get_by_text("The assignment was saved.")).to_be_visible()

    # The partner sees it on the dashboard, with the note.
    partner.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    assigned = partner.get_by_role("region", name="From your therapist")
    expect(assigned.get_by_role("link", name="Start here")).to_be_visible()
    expect(assigned).to_contain_text(f"Suggested by {THERAPIST}")
    expect(assigned).to_contain_text(NOTE)
    problems += axe_problems(partner)
    shot(partner, "05-dashboard-assignment")

    # The partner answers a reflection, then shares that one answer from the journal; changing
    # what is shared asks for the password again.
    first = Lesson.objects.get(slug="what-prodep-is")
    partner.goto(first.get_absolute_url())
    partner.get_by_label("Your private answer").fill(ANSWER)
    expect(partner.locator("[data-save-status]")).to_have_text(re.compile(r"^Saved at"))
    partner.get_by_role("navigation", name="Main").get_by_role("link", name="Journal").click()
    answer = partner.locator("article").filter(has_text=ANSWER)
    answer.get_by_role("button", name=f"Share with {THERAPIST}").click()
    confirm_password(partner)
    expect(partner).to_have_url(re.compile(r"/journal/#answer-\d+$"))
    expect(partner.get_by_text("Sharing updated.")).to_be_visible()
    answer = partner.locator("article").filter(has_text=ANSWER)
    expect(answer).to_contain_text(f"Shared with {THERAPIST} on")

    # The therapist sees the shared reflection; the partner sees that they looked.
    therapist.reload()
    shared = therapist.get_by_role("region", name="Reflections shared with you")
    expect(shared).to_contain_text(ANSWER)
    expect(shared).to_contain_text(first.prompts.get().text)
    problems += axe_problems(therapist)
    shot(therapist, "06-client-page-shared")
    partner.goto("/care/who-has-seen-what/")
    log = partner.get_by_role("table")
    expect(log.get_by_role("row").filter(has_text=THERAPIST).first).to_be_visible()
    expect(log).to_contain_text(f'"{first.prompts.get().text}"')
    expect(log).not_to_contain_text(ANSWER)  # the log says what was seen, never the text
    problems += axe_problems(partner)
    shot(partner, "07-who-has-seen-what")

    # The partner stops sharing; the therapist's next load no longer shows the answer.
    partner.get_by_role("navigation", name="Main").get_by_role("link", name="Journal").click()
    answer = partner.locator("article").filter(has_text=ANSWER)
    answer.get_by_role("button", name=f"Unshare with {THERAPIST}").click()
    expect(partner.get_by_text("This answer is private again")).to_be_visible()
    therapist.reload()
    shared = therapist.get_by_role("region", name="Reflections shared with you")
    expect(shared).to_contain_text("Sam has not shared any reflections with you.")
    expect(therapist.locator("body")).not_to_contain_text(ANSWER)
    assert not problems, "\n".join(problems)
