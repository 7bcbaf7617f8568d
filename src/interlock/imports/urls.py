from django.urls import path

from interlock.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.start, name="start"),
    path("aliases/", views.aliases, name="aliases"),
    path("<int:job_id>/", views.job, name="job"),
    path("<int:job_id>/mapping/", views.mapping, name="mapping"),
    path("<int:job_id>/apply/", views.apply, name="apply"),
    path("<int:job_id>/progress/", views.progress, name="progress"),
    path("<int:job_id>/invalid.csv", views.invalid_rows, name="invalid_rows"),
]
