"""The module bars and share buttons are drawn in Python: what people typed stays text there."""

from django.urls import reverse

from lessons.models import Module
from prodep.clinic.models import Share
from tests.factories import sign_in

ATTACK = '<img src=x onerror="alert(1)">&'
ESCAPED = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;"


def test_a_therapists_name_is_text_on_the_readers_share_buttons(
    client, therapist, client_a, care_link, reflection_a
):
    therapist.display_name = ATTACK
    therapist.save()
    sign_in(client, client_a)
    for page in (reverse("journal:index"), reflection_a.prompt.lesson.get_absolute_url()):
        html = client.get(page).content.decode()
        assert ATTACK not in html
        assert f"Share with {ESCAPED}</button>" in html

    Share.objects.create(reflection=reflection_a, link=care_link)
    html = client.get(reverse("journal:index")).content.decode()
    assert (
        f"Shared with {ESCAPED} on " in html
        and f'Unshare<span class="visually-hidden"> with {ESCAPED}' in html
    )
    assert 'name="csrfmiddlewaretoken" value="' in html  # the form posts


def test_a_module_title_is_text_in_the_rosters_bars(client, therapist, care_link):
    Module.objects.filter(slug="first").update(title=ATTACK)
    sign_in(client, therapist.user)
    html = client.get(reverse("clinic:roster")).content.decode()
    assert ATTACK not in html
    assert f"Per module: {ESCAPED}: 0 of 3" in html
    assert '<svg class="spark__chart"' in html
