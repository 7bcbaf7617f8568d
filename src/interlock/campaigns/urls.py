from django.urls import path

from interlock.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("attribution/", views.attribution, name="attribution"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/delete/", views.campaign_delete, name="delete"),
    path("<int:pk>/costs/", views.cost_add, name="cost_add"),
    path("<int:pk>/costs/<int:cost_pk>/remove/", views.cost_remove, name="cost_remove"),
    path("<int:pk>/members/", views.members_add, name="members_add"),
    path("<int:pk>/members/suggest/", views.contact_suggest, name="contact_suggest"),
    path("<int:pk>/members/<int:member_pk>/status/", views.member_status, name="member_status"),
    path("<int:pk>/responses/", views.response_record, name="response_record"),
]
