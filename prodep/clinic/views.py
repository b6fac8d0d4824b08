from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from prodep.journal.models import Reflection
from prodep.journal.services import journal_url

from . import services
from .forms import AcceptInvitationForm, AssignmentForm, InvitationForm, TherapistApplicationForm
from .models import AccessLog, Assignment, CareLink, Invitation
from .permissions import therapist_required

# Therapist side ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def apply(request):
    profile = services.therapist_profile(request.user)
    if profile is not None:
        return render(request, "clinic/application_status.html", {"profile": profile})
    form = TherapistApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.user = request.user
        form.save()
        messages.success(request, "Thank you. We will review your application.")
        return redirect("clinic:apply")
    return render(request, "clinic/apply.html", {"form": form})


@therapist_required
def roster(request, therapist):
    sort = request.GET.get("sort", "name")
    show = request.GET.get("show", "all")
    query = request.GET.get("q", "")[:60]
    rows = services.roster(therapist, sort=sort, show=show, query=query)
    return render(
        request,
        "clinic/roster.html",
        {
            "therapist": therapist,
            "rows": rows,
            "sort": sort,
            "show": show,
            "q": query,
            "sorts": [("name", "Name"), ("activity", "Last activity"), ("due", "Due dates")],
            "filters": [("all", "All clients"), ("overdue", "Overdue"), ("due-soon", "Due soon")],
        },
    )


@therapist_required
@require_POST
def email_updates(request, therapist):
    therapist.email_updates = request.POST.get("email_updates") == "on"
    therapist.save(update_fields=["email_updates"])
    messages.success(
        request, "Update emails are on." if therapist.email_updates else "Update emails are off."
    )
    return redirect("clinic:roster")


@therapist_required
@require_http_methods(["GET", "POST"])
def invitations(request, therapist):
    form = InvitationForm(request.POST or None)
    new_url = None
    if request.method == "POST" and form.is_valid():
        _, new_url = services.create_invitation(
            therapist, form.cleaned_data["email"], form.cleaned_data["message"]
        )
        if form.cleaned_data["email"]:
            messages.success(request, "The invitation was emailed. You can also copy the link.")
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


@therapist_required
@require_POST
def revoke_invitation(request, pk, therapist):
    invitation = get_object_or_404(Invitation.objects.for_therapist(therapist), pk=pk)
    services.revoke_invitation(invitation)
    messages.success(request, "The invitation link no longer works.")
    return redirect("clinic:invitations")


@therapist_required
def client_page(request, pk, therapist):
    link = get_object_or_404(
        CareLink.objects.for_therapist(therapist).select_related("therapist"), pk=pk
    )
    shares = services.shared_reflections(link)
    services.record_client_page_view(link, shares)
    progress = services.client_progress(link.client_id)
    done = {lesson.id for m in progress for lesson, _ in m.completions}
    assignments = services.assignment_statuses(
        services.assignments_for_link(link), {link.client_id: done}
    )
    return render(
        request,
        "clinic/client.html",
        {"link": link, "shares": shares, "assignments": assignments, "progress": progress},
    )


@therapist_required
@require_POST
def therapist_end_link(request, pk, therapist):
    link = get_object_or_404(CareLink.objects.for_therapist(therapist), pk=pk)
    services.end_link(link)
    messages.success(request, f"You are no longer linked with {link.client_alias}.")
    return redirect("clinic:roster")


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


def _assignment_form(request, link, assignment):
    form = AssignmentForm(request.POST or None, instance=assignment)
    if request.method == "POST" and form.is_valid():
        services.save_assignment(
            link, form.target, form.cleaned_data["note"], form.cleaned_data["due_date"], assignment
        )
        messages.success(request, "The assignment was saved.")
        return redirect("clinic:client", pk=link.pk)
    return render(
        request,
        "clinic/assignment_form.html",
        {"form": form, "link": link, "assignment": assignment},
    )


@therapist_required
@require_POST
def assignment_delete(request, pk, therapist):
    assignment = get_object_or_404(
        Assignment.objects.filter(link__in=CareLink.objects.for_therapist(therapist)), pk=pk
    )
    link_id = assignment.link_id
    assignment.delete()
    messages.success(request, "The assignment was removed.")
    return redirect("clinic:client", pk=link_id)


# Client side ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """What the therapist will and will not see, before anything is linked."""
    invitation = services.invitation_for_token(token)
    if invitation is None or invitation.state != Invitation.State.OPEN:
        state = invitation.state if invitation else "unknown"
        return render(request, "clinic/invitation_closed.html", {"state": state}, status=410)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(request.path)
        if form.is_valid():
            try:
                link = services.accept_invitation(request.user, token, form.cleaned_data["alias"])
            except services.ClinicError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"You are now linked with {link.therapist}.")
                return redirect("clinic:care")
    return render(request, "clinic/invitation.html", {"invitation": invitation, "form": form})


@login_required
def care(request):
    links = CareLink.objects.for_client(request.user).select_related("therapist")
    return render(request, "clinic/care.html", {"links": links})


@login_required
@require_POST
@reauthentication_required
def client_end_link(request, pk):
    link = get_object_or_404(CareLink.objects.for_client(request.user), pk=pk)
    services.end_link(link)
    messages.success(request, f"{link.therapist} can no longer see anything of yours.")
    return redirect("clinic:care")


@login_required
def access_log(request):
    entries = services.access_log_for(request.user)[:500]
    return render(request, "clinic/access_log.html", {"entries": entries, "what": AccessLog.What})


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
            raise services.ClinicError("That choice was not understood. Nothing changed.")
        services.set_shares(request.user, reflection, link_ids)
    except services.ClinicError as error:
        messages.error(request, str(error))
    else:
        private = "This answer is private again: only you can read it."
        messages.success(request, "Sharing updated." if link_ids else private)
    # Back where the reader shared from (the lesson or the journal), if that is this site.
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect(journal_url(request.user, reflection))
