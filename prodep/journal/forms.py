from django import forms

from .models import MAX_ANSWER_LENGTH

MISSING_TEXT = "No answer text was sent, so nothing was changed."


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

    def clean(self):
        """A post without a ``text`` field is a mistake, not a request to clear the answer.

        An empty textarea still sends ``text=``, which is how a reader clears an answer; a body
        with no such field (a script's JSON, a form without the textarea) used to save an
        empty answer over the reader's text.
        """
        if "text" not in self.data:
            self.add_error("text", MISSING_TEXT)
        return super().clean()
