from functools import cached_property
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models

from .timezones import validate_time_zone

AUTHORS_GROUP = "Authors"


class UserManager(BaseUserManager["User"]):
    """Users are identified by email alone: there are no usernames to leak or guess."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    # Columns the model drops: None where the stubs declare text.
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.email

    @cached_property
    def is_author(self) -> bool:
        """Authors are staff in the Authors group; they may see drafts and previews.

        Asked by the navigation and the outline several times a page: one query per request.
        """
        if not (self.is_active and self.is_staff):
            return False
        if self.is_superuser:
            return True
        return self.groups.filter(name=AUTHORS_GROUP).exists()


class Profile(models.Model):
    """Per-user preferences. Created with the user (see signals)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    discreet_mode = models.BooleanField(
        default=False,
        help_text="Show a neutral page title and icon on every page.",
    )
    safety_intro_seen_at = models.DateTimeField(null=True, blank=True)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        default="",
        validators=[validate_time_zone],
        help_text="Where times are shown for, e.g. Europe/London. Empty: not known yet (UTC).",
    )
    time_zone_chosen = models.BooleanField(
        default=False,
        help_text="Chosen in Settings: the zone the browser reports does not replace it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"
