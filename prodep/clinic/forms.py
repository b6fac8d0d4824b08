from django import forms

from lessons.models import Lesson, Module, Status

from .models import Assignment, Invitation, TherapistProfile


class TherapistApplicationForm(forms.ModelForm):
    class Meta:
        model = TherapistProfile
        fields = ["display_name", "credentials", "practice", "country"]
        labels = {"display_name": "Your name as clients will see it"}


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "message"]
        labels = {"email": "Client's email (optional)", "message": "Personal message (optional)"}
        help_texts = {
            "email": "We send the link with a neutral subject line. Leave empty to copy the link "
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


class AssignmentForm(forms.ModelForm):
    """Assign a whole module or a single lesson: exactly one of the two."""

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
        self.fields["module"].queryset = Module.objects.live()
        self.fields["lesson"].queryset = Lesson.objects.filter(
            is_live=True, status=Status.PUBLISHED, module__is_live=True
        ).select_related("module")

    def clean(self):
        data = super().clean()
        if bool(data.get("module")) == bool(data.get("lesson")):
            raise forms.ValidationError("Choose either a module or a single lesson.")
        return data

    @property
    def target(self):
        return self.cleaned_data.get("module") or self.cleaned_data.get("lesson")
