from typing import cast

from django import forms

from lessons import outline
from lessons.models import Lesson, Module

from .models import Assignment, CareLink, ClientGroup, Invitation, TherapistProfile


class TherapistApplicationForm(forms.ModelForm):
    class Meta:
        model = TherapistProfile
        fields = ["display_name", "credentials", "practice", "country"]
        labels = {"display_name": "Your name as clients will see it"}


class TherapistPreferencesForm(forms.ModelForm):
    class Meta:
        model = TherapistProfile
        fields = ["email_updates", "name_in_invitations"]
        labels = {
            "email_updates": "Email me when a client shares a reflection or finishes an assignment",
            "name_in_invitations": "Add my name to the invitation emails I send",
        }
        help_texts = {
            "email_updates": "The email names no lesson and quotes nothing.",
            "name_in_invitations": "Off unless you turn it on: someone else may read your "
            "client's inbox, and an email that names a therapist tells them more than your "
            "client may want known. Without it, the email names no one.",
        }


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "message"]
        labels = {"email": "Client's email (optional)", "message": "Personal message (optional)"}
        help_texts = {
            "email": "We send the link with a neutral subject line, and the email names no one "
            "unless you chose to add your name in your settings. Leave empty to copy the link "
            "and pass it on yourself.",
            "message": "Shown to your client when they open the link.",
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}


class AcceptInvitationForm(forms.Form):
    alias = forms.CharField(
        label="The name your therapist will see",
        max_length=60,
        help_text="Your first name, or any name you choose.",
    )


def lesson_choices(course: outline.Outline) -> list:
    """Published lessons grouped by module, as ``<optgroup>``s, in course order."""
    groups: dict[Module, list] = {}
    for lesson in course.published:
        groups.setdefault(lesson.module, []).append((lesson.pk, lesson.title))
    return [("", "---------"), *((module.title, items) for module, items in groups.items())]


class AssignmentForm(forms.ModelForm):
    """Assign a whole module or a single lesson: exactly one of the two.

    The choices come from the cached course outline (no query to draw the form); the submitted
    value is checked against the live module and lesson tables.
    """

    module = forms.ModelChoiceField(queryset=Module.objects.none(), required=False)
    lesson = forms.ModelChoiceField(
        queryset=Lesson.objects.none(), required=False, label="or a single lesson"
    )

    class Meta:
        model = Assignment
        fields = ["module", "lesson", "note", "due_date"]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
            "due_date": forms.DateInput(attrs={"type": "date"}),
        }
        labels = {"due_date": "Due date (optional)", "note": "Note for your client (optional)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        course = outline.current()
        module = cast(forms.ModelChoiceField, self.fields["module"])
        module.queryset = Module.objects.live()
        module.choices = [
            ("", "---------"),
            *((m.pk, m.title) for m in course.modules if course.published_counts.get(m.id)),
        ]
        lesson = cast(forms.ModelChoiceField, self.fields["lesson"])
        lesson.queryset = Lesson.objects.published()
        lesson.choices = lesson_choices(course)

    def clean(self):
        """One plain message, next to the field it is about: the database's own check on the
        same rule (``assignment_is_a_module_or_a_lesson``) is then not run by the form, so its
        wording never reaches the page."""
        super().clean()
        data = self.cleaned_data
        module, lesson = data.get("module"), data.get("lesson")
        if self.has_error("module") or self.has_error("lesson"):
            return data
        if not module and not lesson:
            self.add_error("module", "Choose a module, or a single lesson below.")
        elif module and lesson:
            self.add_error("lesson", "Choose a module or a single lesson, not both.")
        return data

    @property
    def target(self):
        return self.cleaned_data.get("module") or self.cleaned_data.get("lesson")


class ClientChoiceField(forms.ModelMultipleChoiceField):
    """Care links listed by the alias the therapist gave the client."""

    def label_from_instance(self, obj: CareLink) -> str:
        return obj.client_alias


class ClientGroupForm(forms.ModelForm):
    """A group's name and members, chosen among the therapist's own active clients only."""

    members = ClientChoiceField(
        queryset=CareLink.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Clients in this group",
        error_messages={"invalid_choice": "Choose among your own clients only."},
    )

    class Meta:
        model = ClientGroup
        fields = ["name"]
        labels = {"name": "Group name"}
        help_texts = {"name": "Only you see it. Your clients never see the group or who is in it."}

    def __init__(self, *args, therapist: TherapistProfile, **kwargs):
        super().__init__(*args, **kwargs)
        self.therapist = therapist
        members = cast(ClientChoiceField, self.fields["members"])
        members.queryset = CareLink.objects.for_therapist(therapist).order_by("client_alias")
        if self.instance.pk:
            members.initial = list(
                self.instance.memberships.filter(link__ended_at__isnull=True).values_list(
                    "link_id", flat=True
                )
            )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        taken = ClientGroup.objects.for_therapist(self.therapist).filter(name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"You already have a group called “{name}”.")
        return name
