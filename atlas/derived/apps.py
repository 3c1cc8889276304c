from django.apps import AppConfig


def _settings_changed(**_kwargs):
    # Only tests change settings at run time: pages rendered under the old ones must go.
    from atlas.derived.cache import clear_all
    from atlas.derived.pages import code_version
    code_version.cache_clear()
    clear_all()


class DerivedConfig(AppConfig):
    name = "atlas.derived"
    label = "derived"

    def ready(self):
        from django.test.signals import setting_changed
        setting_changed.connect(_settings_changed, dispatch_uid="atlas-derived-settings")
