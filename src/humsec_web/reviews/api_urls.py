"""API routes of national ownership and datasets (mounted under /api/ by humsec_web.urls)."""

from rest_framework.routers import SimpleRouter

from humsec_web.reviews.api import OutlookViewSet, PublicationViewSet
from humsec_web.sharing.api import DatasetViewSet

app_name = "api-ownership"
router = SimpleRouter(trailing_slash=True)
router.register("publications", PublicationViewSet, basename="publication")
router.register("outlooks", OutlookViewSet, basename="outlook")
router.register("datasets", DatasetViewSet, basename="dataset")
urlpatterns = router.urls
