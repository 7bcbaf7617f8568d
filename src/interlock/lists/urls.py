from django.urls import path

from interlock.lists import views

app_name = "lists"

urlpatterns = [
    path("<slug:key>/bulk/", views.bulk, name="bulk"),
    path("<slug:key>/export/", views.export_view, name="export"),
    path("<slug:key>/views/", views.view_save, name="view_save"),
    path("views/<int:pk>/", views.view_open, name="view_open"),
    path("views/<int:pk>/share/", views.view_share, name="view_share"),
    path("views/<int:pk>/delete/", views.view_delete, name="view_delete"),
]
