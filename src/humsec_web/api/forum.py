"""REST endpoints of the forum: the same rules and querysets as the pages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from humsec_web import permissions
from humsec_web.forum.models import Post, Thread, Topic
from humsec_web.forum.posting import reply, start_thread


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["id", "name", "slug", "description", "public", "announcements"]


class PostSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()

    class Meta:
        model = Post
        fields = ["id", "author", "body", "created_at"]


class ThreadSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()
    posts = PostSerializer(many=True, read_only=True)

    class Meta:
        model = Thread
        fields = ["id", "topic", "title", "country", "author", "created_at", "last_post_at", "locked", "posts"]
        read_only_fields = fields


class NewThreadSerializer(serializers.Serializer):
    topic = serializers.SlugRelatedField(slug_field="slug", queryset=Topic.objects.all())
    title = serializers.CharField(max_length=200)
    country = serializers.CharField(required=False, allow_blank=True, max_length=3, default="")
    body = serializers.CharField(max_length=10_000)

    def validate_country(self, value: str) -> str:
        from humsec_web.core.countries import country_choices

        value = value.upper()
        if value and value not in {c for c, _ in country_choices()}:
            raise serializers.ValidationError(f"{value!r} is not an ISO 3166 alpha-3 country code.")
        allowed = permissions.thread_countries(self.context["request"].user)
        if allowed is not None and value not in allowed:
            raise serializers.ValidationError(f"A country team posts about its own country ({allowed[1]}) only.")
        return value


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10_000)


class TopicViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = TopicSerializer
    rules = {"list": "forum.list"}

    def get_queryset(self) -> Any:
        return permissions.visible_topics(self.request.user)


class ThreadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ThreadSerializer
    rules = {"list": "forum.list", "retrieve": "forum.view", "create": "forum.write", "reply": "forum.reply"}
    object_actions = ("retrieve", "reply")

    def get_queryset(self) -> Any:
        return permissions.visible_threads(self.request.user).prefetch_related("posts__author")

    @extend_schema(request=NewThreadSerializer, responses={201: ThreadSerializer})
    def create(self, request: Request) -> Response:
        """Start a thread (network members; announcements topics: the HSU)."""
        body = NewThreadSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if not permissions.can(request.user, "forum.start", data["topic"]):
            raise PermissionDenied("Your role may not start threads in this topic.")
        thread = start_thread(data["topic"], request.user, data["title"], data["country"], data["body"])
        return Response(ThreadSerializer(thread).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReplySerializer, responses={201: PostSerializer})
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str | None = None) -> Response:
        thread = self.get_object()
        body = ReplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        link = request.build_absolute_uri(reverse("forum-thread", kwargs={"pk": thread.pk}))
        post = reply(thread, request.user, body.validated_data["body"], link)
        return Response(PostSerializer(post).data, status=status.HTTP_201_CREATED)
