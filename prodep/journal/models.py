from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models

from lessons.models import Prompt
from prodep import crypto

if TYPE_CHECKING:
    from prodep.accounts.models import User

# The one limit on an answer's length: the form, save_answer and the lesson page's textarea
# (maxlength) all read it.
MAX_ANSWER_LENGTH = 20_000


class ReflectionQuerySet(models.QuerySet["Reflection"]):
    def for_owner(self, user: "User | AnonymousUser") -> Self:
        """The only way views look reflections up: a reader sees their own, nobody else's."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class Reflection(models.Model):
    """A reader's private answer to one prompt, stored encrypted.

    The plaintext exists only in memory: ``text`` decrypts on demand, so a page that lists
    reflections without showing them never pays for (or risks) a decryption.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    prompt = models.ForeignKey(Prompt, on_delete=models.PROTECT, related_name="reflections")
    prompt_text = models.TextField(help_text="The prompt's wording when last answered.")
    ciphertext = models.TextField()
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Not columns: what the journal page shows with each answer, set by journal_for.
    edit_url: str
    delete_url: str
    share_url: str
    label: str

    objects = ReflectionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "prompt"], name="one_reflection_per_prompt"),
        ]
        indexes = [models.Index(fields=["user", "-updated_at"])]

    def __str__(self) -> str:
        return f"Reflection {self.pk} on {self.prompt_id}"

    @property
    def text(self) -> str:
        if not hasattr(self, "_plaintext"):
            self._plaintext = crypto.decrypt(self.ciphertext)
        return self._plaintext

    @text.setter
    def text(self, value: str) -> None:
        self._plaintext = value
        self.ciphertext = crypto.encrypt(value)
