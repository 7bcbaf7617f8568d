from django.urls import path

from interlock.org import views

app_name = "org"

urlpatterns = [
    path("", views.teams, name="teams"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("teams/<int:pk>/members/add/", views.team_member_add, name="team_member_add"),
    path(
        "teams/<int:pk>/members/<int:user_pk>/role/",
        views.team_member_role,
        name="team_member_role",
    ),
    path(
        "teams/<int:pk>/members/<int:user_pk>/remove/",
        views.team_member_remove,
        name="team_member_remove",
    ),
    path("teams/<int:pk>/calendar/", views.calendar_edit, name="calendar_edit"),
    path("teams/<int:pk>/holidays/add/", views.holiday_add, name="holiday_add"),
    path("holidays/<int:pk>/remove/", views.holiday_remove, name="holiday_remove"),
    path("teams/<int:pk>/due/", views.due_calculator, name="due_calculator"),
    path("absences/", views.absences, name="absences"),
    path("absences/new/", views.absence_create, name="absence_create"),
    path("absences/<int:pk>/delete/", views.absence_delete, name="absence_delete"),
]
