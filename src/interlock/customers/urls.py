from django.urls import path

from interlock.customers import views, views_merge

app_name = "customers"

urlpatterns = [
    path("", views.accounts, name="accounts"),
    path("accounts/new/", views.account_create, name="account_create"),
    path("accounts/<int:pk>/", views.account_detail, name="account"),
    path("accounts/<int:pk>/timeline/", views.account_timeline, name="account_timeline"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="account_edit"),
    path("accounts/<int:pk>/delete/", views.account_delete, name="account_delete"),
    path("accounts/<int:pk>/log/", views.account_log, name="account_log"),
    path("accounts/<int:pk>/merge/", views_merge.account_merge, name="account_merge"),
    path("contacts/", views.contacts, name="contacts"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact"),
    path("contacts/<int:pk>/timeline/", views.contact_timeline, name="contact_timeline"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    path("contacts/<int:pk>/log/", views.contact_log, name="contact_log"),
    path("contacts/<int:pk>/merge/", views_merge.contact_merge, name="contact_merge"),
    path("my-work/", views.my_work, name="my_work"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
]
