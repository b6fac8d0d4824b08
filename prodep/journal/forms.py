from django import forms

from .models import MAX_ANSWER_LENGTH


class AnswerForm(forms.Form):
    text = forms.CharField(
        label="Your answer",
        required=False,
        strip=False,
        max_length=MAX_ANSWER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "max_length": "Your answer is too long: the limit is %(limit_value)s characters. "
            "Nothing was saved."
        },
    )
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
