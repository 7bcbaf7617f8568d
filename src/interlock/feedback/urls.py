from django.urls import path

from interlock.feedback import views

app_name = "feedback"
urlpatterns = [
    path("", views.complaints, name="complaints"),
    path("complaints/new/", views.complaint_create, name="complaint_create"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/edit/", views.complaint_edit, name="complaint_edit"),
    path("complaints/<int:pk>/respond/", views.complaint_respond, name="complaint_respond"),
    path("complaints/<int:pk>/status/", views.complaint_status, name="complaint_status"),
    path("complaints/<int:pk>/rate/", views.complaint_rate, name="complaint_rate"),
    path("deals/<int:pk>/complaints/", views.deal_complaints, name="deal_complaints"),
    path("complaints/<int:pk>/delete/", views.complaint_delete, name="complaint_delete"),
    path("ideas/", views.ideas, name="ideas"),
    path("ideas/new/", views.idea_create, name="idea_create"),
    path("ideas/<int:pk>/", views.idea_detail, name="idea"),
    path("ideas/<int:pk>/vote/", views.idea_vote, name="idea_vote"),
    path("ideas/<int:pk>/status/", views.idea_status, name="idea_status"),
    path("ideas/<int:pk>/accounts/", views.idea_link_account, name="idea_link_account"),
    path(
        "ideas/<int:pk>/accounts/<int:account_pk>/remove/",
        views.idea_unlink_account,
        name="idea_unlink_account",
    ),
]
