from django.urls import path

from . import views

app_name = "prevention"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("review/", views.review, name="review"),
    path("actions/", views.action_create, name="action-create"),
    path("actions/<int:pk>/status/", views.action_status, name="action-status"),
]
