from django import forms

from .timezones import available_time_zones

AUTOMATIC = ""


class TimeZoneForm(forms.Form):
    """Settings' time zone list, and the browser's report of its own zone (``detected``)."""

    time_zone = forms.ChoiceField(
        label="Time zone",
        required=False,
        help_text="Times on every page, in emails and in your data download are shown for it.",
        error_messages={
            "invalid_choice": "That time zone was not recognised. Choose one from the list."
        },
    )
    detected = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [
            (AUTOMATIC, "Automatic: the time zone of the device you use"),
            *((name, name.replace("_", " ")) for name in available_time_zones()),
        ]
