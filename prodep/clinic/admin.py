from django.contrib import admin, messages

from . import actions
from .models import AccessLog, CareLink, Invitation, TherapistProfile


@admin.register(TherapistProfile)
class TherapistProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "credentials", "country", "status", "applied_at"]
    list_filter = ["status", "country"]
    search_fields = ["display_name", "user__email", "practice"]
    readonly_fields = ["user", "applied_at", "decided_at", "status"]
    actions = ["approve", "reject"]

    @admin.action(description="Approve selected applications")
    def approve(self, request, queryset):
        for profile in queryset:
            actions.decide_application(profile, approve=True)
        self.message_user(request, f"Approved {queryset.count()} therapist(s).", messages.SUCCESS)

    @admin.action(description="Reject selected applications")
    def reject(self, request, queryset):
        for profile in queryset:
            actions.decide_application(profile, approve=False)
        self.message_user(request, f"Rejected {queryset.count()} application(s).")


@admin.register(CareLink)
class CareLinkAdmin(admin.ModelAdmin):
    list_display = ["client_alias", "therapist", "created_at", "ended_at", "ended_by"]
    list_select_related = ["therapist"]
    readonly_fields = ["therapist", "client", "client_alias", "created_at", "ended_at", "ended_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["therapist", "created_at", "expires_at", "used_at", "revoked_at"]
    exclude = ["token_hash", "message"]
    readonly_fields = ["therapist", "email", "created_at", "expires_at", "used_at", "revoked_at"]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "therapist_name", "client", "what"]
    list_filter = ["what"]
    readonly_fields = ["therapist", "therapist_name", "client", "what", "prompt_text", "at"]

    def has_add_permission(self, request):
        return False
