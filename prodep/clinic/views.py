from datetime import UTC, datetime

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prodep.accounts.two_factor import has_two_factor
from prodep.journal.models import Reflection
from prodep.journal.services import journal_url

from . import access, actions, reads
from .forms import (
    AcceptInvitationForm,
    AssignmentForm,
    ClientGroupForm,
    InvitationForm,
    TherapistApplicationForm,
    TherapistPreferencesForm,
)
from .models import UNDO_DAYS, Assignment, CareLink, ClientGroup, Invitation
from .permissions import approved_therapist_required, therapist_required

# Therapist side ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def apply(request):
    profile = reads.therapist_profile(request.user)
    if profile is not None:
        return render(request, "clinic/application_status.html", {"profile": profile})
    form = TherapistApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.user = request.user
        form.save()
        messages.success(request, "Thank you. We will review your application.")
        return redirect("clinic:apply")
    return render(request, "clinic/apply.html", {"form": form})


@approved_therapist_required
def welcome(request, therapist):
    """Before two-factor set-up: why it is asked, and the way to it. Once set up, the roster."""
    if has_two_factor(request.user):
        return redirect("clinic:roster")
    return render(request, "clinic/welcome.html", {"therapist": therapist})


@therapist_required
def roster(request, therapist):
    sort = request.GET.get("sort", "name")
    show = request.GET.get("show", "all")
    query = request.GET.get("q", "")[:60]
    rows = access.open_roster(therapist, sort=sort, show=show, query=query)
    return render(
        request,
        "clinic/roster.html",
        {
            "therapist": therapist,
            "rows": rows,
            "recently_ended": CareLink.objects.undoable().filter(therapist=therapist),
            "groups": ClientGroup.objects.for_therapist(therapist),
            "sort": sort,
            "show": show,
            "q": query,
            "sorts": [("name", "Name"), ("activity", "Last activity"), ("due", "Due dates")],
            "filters": [("all", "All clients"), ("overdue", "Overdue"), ("due-soon", "Due soon")],
        },
    )


@therapist_required
@require_http_methods(["GET", "POST"])
def preferences(request, therapist):
    form = TherapistPreferencesForm(request.POST or None, instance=therapist)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your settings were saved.")
        return redirect("clinic:preferences")
    return render(request, "clinic/preferences.html", {"form": form})


@therapist_required
@require_http_methods(["GET", "POST"])
def invitations(request, therapist):
    form = InvitationForm(request.POST or None)
    new_url = None
    if request.method == "POST" and form.is_valid():
        invitation, new_url = actions.create_invitation(
            therapist, form.cleaned_data["email"], form.cleaned_data["message"]
        )
        if invitation.emailed:
            messages.success(request, "The invitation was emailed. You can also copy the link.")
        elif form.cleaned_data["email"]:
            messages.error(
                request,
                "We could not email the invitation just now. Copy the link below and send it "
                "yourself, or invite again in a few minutes.",
            )
        form = InvitationForm()
    return render(
        request,
        "clinic/invitations.html",
        {
            "form": form,
            "new_url": new_url,
            "invitations": Invitation.objects.for_therapist(therapist)[:50],
        },
    )


def _confirm(request, *, title: str, points: list[str], button: str, cancel: str, back: str = ""):
    """The page every destructive action shows first (GET), saying what will happen; its form
    posts back to the same address. Works without JavaScript."""
    return render(
        request,
        "clinic/confirm.html",
        {"title": title, "points": points, "button": button, "cancel": cancel, "back": back},
    )


@therapist_required
@require_http_methods(["GET", "POST"])
def revoke_invitation(request, pk, therapist):
    invitation = get_object_or_404(Invitation.objects.for_therapist(therapist), pk=pk)
    if request.method == "POST":
        actions.revoke_invitation(invitation)
        messages.success(request, "The invitation was withdrawn. Its link no longer works.")
        return redirect("clinic:invitations")
    made = date_format(invitation.created_at, "j M Y")
    return _confirm(
        request,
        title=f"Withdraw the invitation of {made}?",
        points=[
            "Its link stops working at once: whoever opens it is told it was withdrawn.",
            "This cannot be undone, but you can create a new invitation at any time.",
        ],
        button="Withdraw the invitation",
        cancel=reverse("clinic:invitations"),
    )


@therapist_required
def client_page(request, pk, therapist):
    page = access.open_client_page(therapist, pk, _back_from_own_save(request, pk))
    return render(
        request,
        "clinic/client.html",
        {
            "link": page.link,
            "shares": page.shares,
            "assignments": page.assignments,
            "progress": page.progress,
            "weekly": page.weekly,
        },
    )


@therapist_required
@require_http_methods(["GET", "POST"])
def therapist_end_link(request, pk, therapist):
    link = get_object_or_404(CareLink.objects.for_therapist(therapist), pk=pk)
    name = link.client_alias
    if request.method == "POST":
        actions.end_link(link, by=CareLink.EndedBy.THERAPIST)
        messages.success(
            request,
            f"You are no longer linked with {name}. You can undo this from your client list "
            f"for {UNDO_DAYS} days.",
        )
        return redirect("clinic:roster")
    return _confirm(
        request,
        title=f"End the link with {name}?",
        points=[
            f"You will no longer see {name}'s progress, assignments or shared reflections.",
            f"{name} is told, in their record of who has seen what.",
            f"Nothing is deleted: for {UNDO_DAYS} days you can undo this from your client list, "
            f"and everything comes back as it was. After that, {name} would need a new "
            "invitation.",
        ],
        button="End the link",
        cancel=reverse("clinic:client", args=[link.pk]),
        back=name,
    )


@therapist_required
@require_POST
def restore_link(request, pk, therapist):
    link = get_object_or_404(CareLink.objects.ended_by_therapist(therapist), pk=pk)
    try:
        actions.restore_link(link)
    except actions.ClinicError as error:
        messages.error(request, str(error))
        return redirect("clinic:roster")
    messages.success(request, f"You are linked with {link.client_alias} again.")
    return redirect("clinic:client", pk=link.pk)


@therapist_required
@require_http_methods(["GET", "POST"])
def assignment_new(request, pk, therapist):
    link = get_object_or_404(CareLink.objects.for_therapist(therapist), pk=pk)
    return _assignment_form(request, link, None)


@therapist_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request, pk, therapist):
    assignment = get_object_or_404(
        Assignment.objects.filter(
            link__in=CareLink.objects.for_therapist(therapist)
        ).select_related("link"),
        pk=pk,
    )
    return _assignment_form(request, assignment.link, assignment)


OWN_SAVE = "clinic_own_save"


def _to_client_page_after_own_save(request, link):
    """Back to the client's page after the therapist's own change, noting that the page they
    come back to is not a new look (see ``record_client_page_view``): one use, this link only.
    """
    seen = access.last_look(link)
    if seen is not None:
        request.session[OWN_SAVE] = {"link": link.pk, "since": seen.timestamp()}
    return redirect("clinic:client", pk=link.pk)


def _back_from_own_save(request, link_id: int):
    note = request.session.pop(OWN_SAVE, None)
    if note and note.get("link") == link_id:
        return datetime.fromtimestamp(note["since"], tz=UTC)
    return None


def _assignment_form(request, link, assignment):
    form = AssignmentForm(request.POST or None, instance=assignment)
    if request.method == "POST" and form.is_valid():
        actions.save_assignment(
            link, form.target, form.cleaned_data["note"], form.cleaned_data["due_date"], assignment
        )
        messages.success(request, "The assignment was saved.")
        return _to_client_page_after_own_save(request, link)
    return render(
        request,
        "clinic/assignment_form.html",
        {"form": form, "link": link, "assignment": assignment},
    )


@therapist_required
@require_http_methods(["GET", "POST"])
def assignment_delete(request, pk, therapist):
    assignment = get_object_or_404(
        Assignment.objects.filter(link__in=CareLink.objects.for_therapist(therapist)), pk=pk
    )
    link = assignment.link
    if request.method == "POST":
        assignment.delete()
        messages.success(request, "The assignment was removed.")
        return _to_client_page_after_own_save(request, link)
    name = link.client_alias
    return _confirm(
        request,
        title=f"Remove “{assignment.target}” from {name}'s assignments?",
        points=[
            f"{name} will no longer see it on their home page, nor your note and due date.",
            f"What {name} has read stays read.",
            "This cannot be undone; you can assign it again at any time.",
        ],
        button="Remove the assignment",
        cancel=reverse("clinic:client", args=[link.pk]),
        back=name,
    )


# Groups -----------------------------------------------------------------------------------------


def _own_group(therapist, pk):
    return get_object_or_404(ClientGroup.objects.for_therapist(therapist), pk=pk)


@therapist_required
@require_http_methods(["GET", "POST"])
def group_new(request, therapist):
    return _group_form(request, therapist, None)


@therapist_required
@require_http_methods(["GET", "POST"])
def group_edit(request, pk, therapist):
    return _group_form(request, therapist, _own_group(therapist, pk))


def _group_form(request, therapist, group):
    form = ClientGroupForm(request.POST or None, instance=group, therapist=therapist)
    if request.method == "POST" and form.is_valid():
        try:
            group = actions.save_group(
                therapist, form.cleaned_data["name"], form.cleaned_data["members"], group
            )
        except actions.ClinicError as error:  # pragma: no cover - the form checks these first
            form.add_error("name", str(error))
        else:
            messages.success(request, f"The group “{group.name}” was saved.")
            return redirect("clinic:group", pk=group.pk)
    return render(request, "clinic/group_form.html", {"form": form, "group": group})


@therapist_required
@require_GET
def group_page(request, pk, therapist):
    page = access.open_group(therapist, pk)
    return render(request, "clinic/group.html", {"group": page.group, "table": page.table})


@therapist_required
@require_http_methods(["GET", "POST"])
def group_assign(request, pk, therapist):
    group = _own_group(therapist, pk)
    links = reads.group_links(group)
    form = AssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made = actions.assign_to_group(
            group, form.target, form.cleaned_data["note"], form.cleaned_data["due_date"]
        )
        messages.success(
            request,
            f"Assigned to {len(made)} client{pluralize(len(made))}, each as their own assignment.",
        )
        return redirect("clinic:group", pk=group.pk)
    return render(
        request, "clinic/group_assign.html", {"form": form, "group": group, "links": links}
    )


@therapist_required
@require_http_methods(["GET", "POST"])
def group_delete(request, pk, therapist):
    group = _own_group(therapist, pk)
    if request.method == "POST":
        group.delete()
        messages.success(request, f"The group “{group.name}” was deleted.")
        return redirect("clinic:roster")
    return _confirm(
        request,
        title=f"Delete the group “{group.name}”?",
        points=[
            "The group and its list of members go; your clients stay linked with you.",
            "Each client keeps the assignments given through the group.",
            "This cannot be undone; you can make a new group at any time.",
        ],
        button="Delete the group",
        cancel=reverse("clinic:group", args=[group.pk]),
        back=group.name,
    )


# Client side ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """What the therapist will and will not see, before anything is linked."""
    invitation = reads.invitation_for_token(token)
    if invitation is None or invitation.state != Invitation.State.OPEN:
        state = invitation.state if invitation else "unknown"
        return render(request, "clinic/invitation_closed.html", {"state": state}, status=410)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(request.path)
        if form.is_valid():
            try:
                link = actions.accept_invitation(request.user, token, form.cleaned_data["alias"])
            except actions.ClinicError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"You are now linked with {link.therapist}.")
                return redirect("clinic:care")
    return render(request, "clinic/invitation.html", {"invitation": invitation, "form": form})


@login_required
def care(request):
    links = CareLink.objects.for_client(request.user).select_related("therapist")
    ended = CareLink.objects.undoable().filter(client=request.user).select_related("therapist")
    return render(request, "clinic/care.html", {"links": links, "recently_ended": ended})


@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def client_end_link(request, pk):
    link = get_object_or_404(
        CareLink.objects.for_client(request.user).select_related("therapist"), pk=pk
    )
    therapist = link.therapist.display_name
    if request.method == "POST":
        actions.end_link(link, by=CareLink.EndedBy.CLIENT)
        messages.success(request, f"{therapist} can no longer see anything of yours.")
        return redirect("clinic:care")
    return render(
        request,
        "clinic/confirm.html",
        {
            "title": f"End the link with {therapist}?",
            "points": [
                f"{therapist} will no longer see your progress, your assignments or anything you "
                "shared with them, from now on.",
                "Your reflections, progress and assignments stay yours; nothing is deleted.",
                f"To link again, {therapist} would send you a new invitation.",
            ],
            "button": "End the link",
            "cancel": reverse("clinic:care"),
        },
    )


@login_required
@require_POST
def keep_link_ended(request, pk):
    """The client closes the therapist's undo window: the ending stands."""
    link = get_object_or_404(CareLink.objects.undoable().filter(client=request.user), pk=pk)
    actions.keep_ended(link)
    messages.success(request, "The link stays ended.")
    return redirect("clinic:care")


@login_required
def access_log(request):
    return render(request, "clinic/access_log.html", {"lines": access.access_log_for(request.user)})


@login_required
@require_POST
@reauthentication_required
def share(request, pk):
    reflection = get_object_or_404(Reflection.objects.for_owner(request.user), pk=pk)
    try:
        link_ids = {int(value) for value in request.POST.getlist("links")}
    except ValueError:
        link_ids = None
    try:
        if link_ids is None:
            raise actions.ClinicError("That choice was not understood. Nothing changed.")
        actions.set_shares(request.user, reflection, link_ids)
    except actions.ClinicError as error:
        messages.error(request, str(error))
    else:
        private = "This answer is private again: only you can read it."
        messages.success(request, "Sharing updated." if link_ids else private)
    # Back where the reader shared from (the lesson or the journal), if that is this site.
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect(journal_url(request.user, reflection))
