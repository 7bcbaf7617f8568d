from django.contrib import admin

from interlock.imports.models import ImportJob, SavedMapping, ValueAlias


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("pk", "kind", "file_name", "status", "created_by", "created_at")
    list_filter = ("kind", "status")
    readonly_fields = ("report", "counts", "mapping", "options")


@admin.register(SavedMapping)
class SavedMappingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "kind", "created_at")


@admin.register(ValueAlias)
class ValueAliasAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("field", "alias", "value")
    list_filter = ("field",)
