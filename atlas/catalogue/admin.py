"""Translations in the admin. Organisations and helplines, whose every change is a revision,
are in the admin through atlas/revisions/admin.py (beside their revisions)."""

from django.contrib import admin

from atlas.catalogue.models import ToolTranslation
from atlas.catalogue.services import tool_translation_delete, tool_translation_upsert


@admin.register(ToolTranslation)
class ToolTranslationAdmin(admin.ModelAdmin):
    """Translations of tool records, written through the service so search and caches follow."""

    list_display = ("tool", "language", "name", "updated_at")
    list_filter = ("language",)
    search_fields = ("tool__name", "tool__slug", "name", "short_description")
    raw_id_fields = ("tool",)

    def get_readonly_fields(self, request, obj=None):
        # A translation is keyed by tool and language: change those by adding a new one.
        return ("tool", "language") if obj else ()

    def save_model(self, request, obj, form, change):
        tool_translation_upsert(tool=obj.tool, language=obj.language, name=obj.name,
                                short_description=obj.short_description,
                                long_description=obj.long_description)
        saved = ToolTranslation.objects.get(tool=obj.tool, language=obj.language)
        obj.pk, obj.updated_at = saved.pk, saved.updated_at

    def delete_model(self, request, obj):
        tool_translation_delete(tool=obj.tool, language=obj.language)

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("tool"):
            tool_translation_delete(tool=obj.tool, language=obj.language)
