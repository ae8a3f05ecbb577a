from django.urls import path

from . import views

app_name = "remits"

urlpatterns = [
    path("", views.file_list, name="list"),
    path("files/<int:pk>/", views.file_detail, name="file"),
    path("files/<int:pk>/download/", views.file_download, name="download"),
    path("remittance/<int:pk>/", views.remittance_detail, name="remittance"),
]
