from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from humsec_web.api import forum, reviews, tokens, views
from humsec_web.feedback.api import FeedbackViewSet

app_name = "api"
router = SimpleRouter(trailing_slash=True)
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("digests", views.DigestViewSet, basename="digest")
router.register("lessons", views.LessonViewSet, basename="lesson")
router.register("proposals", views.ProposalViewSet, basename="proposal")
router.register("criteria", views.CriterionViewSet, basename="criterion")
router.register("portfolio", views.PortfolioViewSet, basename="portfolio")
router.register("reviews", reviews.CountryReviewViewSet, basename="review")
router.register("review-versions", reviews.ReviewVersionViewSet, basename="reviewversion")
router.register("forum-topics", forum.TopicViewSet, basename="forumtopic")
router.register("forum-threads", forum.ThreadViewSet, basename="forumthread")
router.register("feedback", FeedbackViewSet, basename="feedback")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[]), name="api-schema"),
    path("token/", tokens.TokenView.as_view(), name="api-token"),
    *router.urls,
]
