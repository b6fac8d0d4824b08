from django.contrib import admin

from .models import Reflection


@admin.register(Reflection)
class ReflectionAdmin(admin.ModelAdmin):
    """Metadata only: the admin never shows, decrypts or edits a reflection's text."""

    list_display = ["id", "user", "prompt", "updated_at"]
    list_select_related = ["user", "prompt"]
    fields = readonly_fields = ("user", "prompt", "created_at", "updated_at")
    search_fields = ["user__email", "prompt__key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
