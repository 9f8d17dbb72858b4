from django.contrib import admin

from humsec_web.activities.models import Activity, Digest


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "country", "sector", "start_date", "end_date")
    list_filter = ("country", "sector", "principle", "pillar")
    search_fields = ("title", "admin_areas", "partners")


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ("title", "period_start", "period_end", "status", "published_at")
    filter_horizontal = ("activities",)
