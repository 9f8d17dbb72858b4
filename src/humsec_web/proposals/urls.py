from django.urls import path

from humsec_web.proposals import views

urlpatterns = [
    path("proposals/", views.proposal_list, name="proposal-list"),
    path("proposals/new/", views.proposal_create, name="proposal-create"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal-detail"),
    path("proposals/<int:pk>/review/", views.proposal_start_review, name="proposal-review"),
    path("proposals/<int:pk>/appraise/", views.proposal_appraise, name="proposal-appraise"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="proposal-decide"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("portfolio/countries.json", views.portfolio_data, name="portfolio-data"),
]
