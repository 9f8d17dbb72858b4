from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from humsec_web.core.models import Organisation, Profile


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "acronym", "kind")
    search_fields = ("name", "acronym")
    list_filter = ("kind",)


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


class ProfileUserAdmin(UserAdmin):
    inlines = (ProfileInline,)
    list_display = ("username", "email", "is_staff", "is_superuser")


admin.site.unregister(User)
admin.site.register(User, ProfileUserAdmin)
