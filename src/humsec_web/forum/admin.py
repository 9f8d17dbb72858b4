from django.contrib import admin

from humsec_web.forum.models import Post, Thread, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "public", "announcements", "order")
    prepopulated_fields = {"slug": ("name",)}


class PostInline(admin.StackedInline):
    model = Post
    extra = 0
    readonly_fields = ("author", "created_at")


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ("title", "topic", "country", "author", "last_post_at", "locked")
    list_filter = ("topic", "locked", "country")
    search_fields = ("title",)
    inlines = (PostInline,)
