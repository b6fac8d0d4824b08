"""The personal-data registry (prodep.personal_data) covers every record that holds a person's
data, and each declaration matches its model and the admin."""

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.test import RequestFactory

from prodep import personal_data
from prodep.accounts.services import export_user_data
from prodep.personal_data import Admin, Deletion
from tests.factories import make_user

User = get_user_model()


def keys_to_user(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False)
        and (field.many_to_one or field.one_to_one)
        and field.related_model is User
    ]


def test_every_model_with_a_key_to_the_user_is_declared():
    """The tripwire: a new model with a foreign key or one-to-one to the user must say how it
    is exported, deleted and shown in the admin (its app's personal_data.py)."""
    missing = [
        model._meta.label
        for model in apps.get_models()
        if keys_to_user(model) and personal_data.declaration_for(model) is None
    ]
    assert missing == []


def test_the_tripwire_sees_a_model_with_a_user_key():
    """The test above would fail for an undeclared model: it finds the keys it checks."""
    found = {m._meta.label for m in apps.get_models() if keys_to_user(m)}
    assert {"journal.Reflection", "lessons.Progress", "clinic.AccessLog"} <= found


@pytest.mark.parametrize(
    "declaration", personal_data.declarations(), ids=lambda d: d.model.__name__
)
def test_the_owner_lookup_leads_to_the_user(declaration):
    if declaration.owner == "pk":
        assert declaration.model is User
        return
    field, *rest = declaration.owner.split("__")
    model = declaration.model
    for name in [field, *rest]:
        relation = model._meta.get_field(name)
        model = relation.related_model
    assert model is User


@pytest.mark.parametrize(
    "declaration", personal_data.declarations(), ids=lambda d: d.model.__name__
)
def test_deletion_is_what_the_key_does(declaration):
    if declaration.deletion is Deletion.ACCOUNT:
        assert declaration.model is User
        return
    on_delete = declaration.model._meta.get_field(declaration.owner.split("__")[0])
    on_delete = on_delete.remote_field.on_delete
    expected = {
        Deletion.CASCADE: models.CASCADE,
        Deletion.KEPT_WITHOUT_PERSON: models.SET_NULL,
    }[declaration.deletion]
    assert on_delete is expected


@pytest.mark.parametrize(
    "declaration", personal_data.declarations(), ids=lambda d: d.model.__name__
)
def test_the_admin_shows_it_as_declared(declaration, admin_user):
    model_admin = admin.site._registry.get(declaration.model)
    if declaration.admin is Admin.NOT_SHOWN:
        assert model_admin is None
        return
    assert model_admin is not None
    request = RequestFactory().get("/")
    request.user = admin_user
    obj = admin_user if declaration.model is User else None  # the change page, not "add"
    shown = set(model_admin.get_fields(request, obj))
    assert not shown & set(declaration.never_in_admin)
    if declaration.admin is Admin.READ_ONLY:
        assert shown <= set(model_admin.get_readonly_fields(request))


def test_export_sections_come_from_the_declarations(db):
    user = make_user("sections@example.com")
    data = json.loads(
        zipfile.ZipFile(io.BytesIO(export_user_data(user))).read("my-data.json"),
    )
    declared = [d.export[0] for d in personal_data.declarations() if d.export]
    assert list(data) == ["exported_at", *personal_data.EXPORT_SECTIONS]
    assert sorted(declared) == sorted(personal_data.EXPORT_SECTIONS)


def test_a_declaration_says_how_it_is_exported():
    with pytest.raises(ValueError, match="say why"):
        personal_data.declare(User, owner="pk", deletion=Deletion.ACCOUNT, admin=Admin.EDITABLE)
    with pytest.raises(ValueError, match="EXPORT_SECTIONS"):
        personal_data.declare(
            User,
            owner="pk",
            deletion=Deletion.ACCOUNT,
            admin=Admin.EDITABLE,
            export=("somewhere", lambda user: []),
        )


def test_the_admin_names_everything_that_goes_with_a_deleted_account(
    admin_client, therapist, care_link, client_a, reflection_a
):
    """The delete page lists each related record by name: staff see what they remove."""
    from django.urls import reverse

    from lessons.catalogue import mark_opened
    from lessons.models import Lesson
    from prodep.clinic import actions
    from prodep.clinic.access import log_access
    from prodep.clinic.models import AccessLog

    lesson = Lesson.objects.get(slug="lesson-1")
    mark_opened(client_a, lesson)
    actions.set_shares(client_a, reflection_a, {care_link.id})
    actions.save_assignment(care_link, lesson, "Read this", None)
    group = actions.save_group(therapist, "Tuesday group", [care_link])
    log_access(therapist, client_a.id, AccessLog.What.CLIENT_PAGE)
    invitation, _ = actions.create_invitation(therapist)

    def delete_page(user):
        url = reverse("admin:accounts_user_delete", args=[user.pk])
        return admin_client.get(url).content.decode()

    client_page = delete_page(client_a)
    for name in (
        "Profile of a@example.com",
        f"Sam with {therapist}",
        f"{lesson} for Sam",
        f"Reflection {reflection_a.pk} shared on link {care_link.pk}",
        f"Link {care_link.pk} in group {group.pk}",
        f"{client_a} · {lesson}",
    ):
        assert name in client_page
    therapist_page = delete_page(therapist.user)
    assert f"Invitation {invitation.pk} from {therapist}" in therapist_page
    assert "Tuesday group" in therapist_page
    entry = AccessLog.objects.get(client=client_a)
    entry_page = admin_client.get(reverse("admin:clinic_accesslog_change", args=[entry.pk]))
    assert f"{therapist}: Viewed your progress page" in entry_page.content.decode()
