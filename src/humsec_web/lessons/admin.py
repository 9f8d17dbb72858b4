from django.contrib import admin

from humsec_web.lessons.models import Attachment, Lesson, Tag


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ("title", "country", "theme", "status", "updated_at")
    list_filter = ("status", "country")
    search_fields = ("title", "context", "what_worked")
    inlines = (AttachmentInline,)


admin.site.register(Tag)
