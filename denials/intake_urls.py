from django.urls import path

from . import intake_views

app_name = "intake"

urlpatterns = [
    path("upload/", intake_views.upload, name="upload"),
    path("files/<int:pk>/status/", intake_views.file_status, name="file-status"),
    path("release/<int:pk>/", intake_views.release, name="release"),
]
