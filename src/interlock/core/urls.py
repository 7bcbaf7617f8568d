from django.urls import path

from interlock.core import views

app_name = "platform"

urlpatterns = [
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("trash/", views.trash_list, name="trash"),
    path("trash/<str:label>/<int:pk>/restore/", views.trash_restore, name="trash_restore"),
    path("audit/", views.audit_log, name="audit"),
]
