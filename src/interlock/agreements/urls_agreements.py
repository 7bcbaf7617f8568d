"""Pages of team agreements: the list, new, detail, draft editor, lifecycle, contract."""

from __future__ import annotations

from django.urls import URLPattern, path

from interlock.agreements import views_agreements as views
from interlock.agreements import views_editing as editing

urlpatterns: list[URLPattern] = [
    path("", views.agreement_list, name="list"),
    path("new/", views.agreement_new, name="new"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/edit/", editing.agreement_edit, name="edit"),
    path("<int:pk>/terms/add/", editing.term_add, name="term_add"),
    path("<int:pk>/terms/<int:term_pk>/edit/", editing.term_edit, name="term_edit"),
    path("<int:pk>/terms/<int:term_pk>/remove/", editing.term_remove, name="term_remove"),
    path("<int:pk>/steps/add/", editing.step_add, name="step_add"),
    path("<int:pk>/steps/<int:step_pk>/remove/", editing.step_remove, name="step_remove"),
    path("<int:pk>/propose/", editing.version_propose, name="propose"),
    path("<int:pk>/revise/", editing.version_revise, name="revise"),
    path("<int:pk>/withdraw/", editing.version_withdraw, name="withdraw"),
    path("<int:pk>/sign/", editing.version_sign, name="sign"),
    path("<int:pk>/new-version/", editing.agreement_new_version, name="new_version"),
    path("<int:pk>/terminate/", editing.agreement_terminate, name="terminate"),
    path("<int:pk>/versions/<int:number>/contract/", views.contract_page, name="contract"),
    path("<int:pk>/versions/<int:number>/contract.pdf", views.contract_pdf, name="contract_pdf"),
]
