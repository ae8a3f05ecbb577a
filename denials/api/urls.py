from django.urls import path

from . import views

urlpatterns = [
    path("denials/", views.DenialListView.as_view(), name="api-denials"),
    path(
        "denials/search/", views.DenialSearchView.as_view(), name="api-denials-search"
    ),
    path("denials/next/", views.DenialNextView.as_view(), name="api-denials-next"),
    path("denials/<int:pk>/", views.DenialDetailView.as_view(), name="api-denial"),
    path(
        "denials/<int:pk>/assign/",
        views.DenialAssignView.as_view(),
        name="api-denial-assign",
    ),
    path(
        "denials/<int:pk>/status/",
        views.DenialStatusView.as_view(),
        name="api-denial-status",
    ),
    path(
        "denials/<int:pk>/notes/",
        views.DenialNoteView.as_view(),
        name="api-denial-notes",
    ),
    path(
        "denials/<int:pk>/root-cause/",
        views.DenialRootCauseView.as_view(),
        name="api-denial-root-cause",
    ),
]
