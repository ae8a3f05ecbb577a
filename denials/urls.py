from django.urls import path

from . import views

app_name = "denials"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("search/", views.search, name="search"),
    path("summary/", views.summary, name="summary"),
    path("next/", views.next_denial, name="next"),
    path("export.csv", views.export_csv, name="export"),
    path("bulk-assign/", views.bulk_assign, name="bulk-assign"),
    path("uncategorized/", views.uncategorized, name="uncategorized"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.change_status, name="status"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/notes/", views.add_note, name="note"),
    path("<int:pk>/root-cause/", views.root_cause, name="root-cause"),
]
