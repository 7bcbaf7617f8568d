from django.urls import path

from interlock.sales import config_views, views, views_handover

app_name = "sales"
urlpatterns = [
    path("", views.board, name="board"),
    path("deals/", views.deal_list, name="deals"),
    path("deals/new/", views.deal_create, name="deal_create"),
    path("deals/<int:pk>/", views.deal_detail, name="deal"),
    path("deals/<int:pk>/move/", views.deal_move, name="deal_move"),
    path("deals/<int:pk>/win/", views.deal_win, name="deal_win"),
    path("deals/<int:pk>/lose/", views.deal_lose, name="deal_lose"),
    path("deals/<int:pk>/delete/", views.deal_delete, name="deal_delete"),
    path("deals/<int:pk>/handover/", views_handover.handover, name="handover"),
    path("deals/<int:pk>/handover/panel/", views_handover.handover_panel, name="handover_panel"),
    path("deals/<int:pk>/quotes/new/", views.quote_create, name="quote_create"),
    path("quotes/<int:pk>/", views.quote_edit, name="quote"),
    path("quotes/<int:pk>/preview/", views.quote_preview, name="quote_preview"),
    path("quotes/<int:pk>/status/", views.quote_status, name="quote_status"),
    path("quotes/<int:pk>/print/", views.quote_print, name="quote_print"),
    path("settings/", config_views.overview, name="settings"),
    path("settings/pipelines/new/", config_views.pipeline_create, name="settings_pipeline_create"),
    path("settings/stages/<int:pk>/", config_views.stage_edit, name="settings_stage"),
    path("settings/lost-reasons/", config_views.reason_create, name="settings_reason_create"),
    path(
        "settings/lost-reasons/<int:pk>/toggle/",
        config_views.reason_toggle,
        name="settings_reason_toggle",
    ),
    path("settings/products/new/", config_views.product_form, name="settings_product_create"),
    path("settings/products/<int:pk>/", config_views.product_form, name="settings_product"),
    path(
        "settings/price-lists/new/",
        config_views.price_list_create,
        name="settings_price_list_create",
    ),
    path(
        "settings/price-lists/<int:pk>/",
        config_views.price_list_detail,
        name="settings_price_list",
    ),
]
