"""Helplines get channels, hours, languages and topics as data.

The free-text `phone`, `sms`, `hours` and `languages` of each existing helpline are split into
channels and codes where that needs no guessing: a field holding exactly one number that
libphonenumber accepts for the country becomes a channel; hours in OpenStreetMap syntax are kept
as they are; languages given as ISO 639 codes become codes. Anything else is not guessed: the
helpline is marked `needs_review` and its original text kept in `legacy`, and curators find these
helplines in the review queue and the admin (docs/curation.md).
"""

import re

import phonenumbers
from django.db import migrations, models
from phonenumbers import PhoneNumberFormat, shortnumberinfo

NUMBER_FIELDS = (("phone", "phone"), ("sms", "sms"))


def _channel(value, country):
    """(kind, dial) for a field holding exactly one acceptable number, else None."""
    if not value or re.search(r"[A-Za-z;/(]| al | or | ou | o ", value):
        return None
    try:
        parsed = phonenumbers.parse(value, country)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(parsed):
        return "phone", phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    if shortnumberinfo.is_valid_short_number_for_region(parsed, country):
        return "short-code", phonenumbers.national_significant_number(parsed)
    return None


def _hours(text):
    if not text:
        return ""
    try:
        import opening_hours
        opening_hours.OpeningHours(text)
    except Exception:  # the parser's own error: not in OpenStreetMap syntax
        return None
    return text


def _languages(text):
    codes = [x.strip().lower() for x in re.split(r"[;,]", text or "") if x.strip()]
    return codes if all(re.fullmatch(r"[a-z]{2,3}", c) for c in codes) else None


def forwards(apps, schema_editor):
    Helpline = apps.get_model("helplines", "Helpline")
    Channel = apps.get_model("helplines", "Channel")
    for helpline in Helpline.objects.all():
        legacy, channels = {}, []
        for field, kind in NUMBER_FIELDS:
            value = getattr(helpline, field)
            if not value:
                continue
            found = _channel(value, helpline.country)
            if found is None:
                legacy[field] = value
            else:
                number_kind, dial = found
                channels.append(Channel(
                    helpline=helpline, position=len(channels),
                    kind="sms" if kind == "sms" else number_kind, value=value, dial=dial,
                    source_url=helpline.source_url,
                    source_date=helpline.source_date.isoformat() if helpline.source_date else ""))
        hours = _hours(helpline.hours)
        if hours is None:
            legacy["hours"] = helpline.hours
        else:
            helpline.opening_hours = hours
        languages = _languages(helpline.old_languages)
        if languages is None:
            legacy["languages"] = helpline.old_languages
        else:
            helpline.languages = languages
        if legacy.get("phone") or legacy.get("sms") or legacy.get("hours") or legacy.get("languages"):
            helpline.needs_review = True
        legacy["source_url"] = helpline.source_url
        helpline.legacy = legacy
        helpline.save()
        Channel.objects.bulk_create(channels)


def backwards(apps, schema_editor):
    Helpline = apps.get_model("helplines", "Helpline")
    for helpline in Helpline.objects.all():
        numbers = {c.kind: c.value for c in helpline.channels.order_by("-position")}
        first = helpline.channels.order_by("position").first()
        helpline.phone = helpline.legacy.get("phone") or numbers.get("phone") or numbers.get(
            "short-code", "")
        helpline.sms = helpline.legacy.get("sms") or numbers.get("sms", "")
        helpline.hours = helpline.legacy.get("hours") or helpline.opening_hours
        helpline.old_languages = helpline.legacy.get("languages") or "; ".join(helpline.languages)
        helpline.source_url = (helpline.legacy.get("source_url")
                               or (first.source_url if first else "") or helpline.website)
        helpline.save()


class Migration(migrations.Migration):
    dependencies = [("helplines", "0001_initial")]

    operations = [
        migrations.RenameField("helpline", "languages", "old_languages"),
        migrations.AddField("helpline", "operator", models.CharField(
            blank=True, max_length=300, verbose_name="operator")),
        migrations.AddField("helpline", "topics", models.JSONField(
            blank=True, default=list, verbose_name="topics")),
        migrations.AddField("helpline", "purposes", models.JSONField(
            blank=True, default=list, verbose_name="what it is for")),
        migrations.AddField("helpline", "languages", models.JSONField(
            blank=True, default=list, verbose_name="languages")),
        migrations.AddField("helpline", "opening_hours", models.CharField(
            blank=True, max_length=300, verbose_name="opening hours (OpenStreetMap syntax)")),
        migrations.AddField("helpline", "timezone", models.CharField(
            blank=True, max_length=64, verbose_name="time zone")),
        migrations.AddField("helpline", "notes", models.TextField(
            blank=True, max_length=4000, verbose_name="notes")),
        migrations.AddField("helpline", "needs_review", models.BooleanField(
            default=False, verbose_name="needs a curator's review")),
        migrations.AddField("helpline", "legacy", models.JSONField(
            blank=True, default=dict, verbose_name="text before the channels")),
        migrations.CreateModel(
            name="Channel",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("kind", models.CharField(max_length=20, verbose_name="channel")),
                ("value", models.CharField(max_length=300, verbose_name="number or address")),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                ("hours", models.CharField(blank=True, max_length=300,
                                           verbose_name="hours, if not the line's")),
                ("free", models.CharField(default="unknown", max_length=10,
                                          verbose_name="free to call")),
                ("on_bill", models.CharField(default="unknown", max_length=10,
                                             verbose_name="shows on the phone bill")),
                ("dial", models.CharField(blank=True, max_length=32, verbose_name="dialled as")),
                ("source_url", models.CharField(blank=True, max_length=500,
                                                verbose_name="source URL")),
                ("source_title", models.CharField(blank=True, max_length=300,
                                                  verbose_name="source title")),
                ("source_date", models.CharField(blank=True, max_length=10,
                                                 verbose_name="source date")),
                ("reread", models.BooleanField(default=False,
                                               verbose_name="re-read against its source")),
                ("helpline", models.ForeignKey(on_delete=models.deletion.CASCADE,
                                               related_name="channels",
                                               to="helplines.helpline")),
            ],
            options={"verbose_name": "channel", "verbose_name_plural": "channels",
                     "ordering": ["helpline", "position", "id"]},
        ),
        migrations.RunPython(forwards, backwards),
        # Blank allowed before it goes, so that migrating back can add it to existing rows.
        migrations.AlterField("helpline", "source_url", models.CharField(
            blank=True, default="", max_length=500, verbose_name="source URL")),
        migrations.RemoveField("helpline", "phone"),
        migrations.RemoveField("helpline", "sms"),
        migrations.RemoveField("helpline", "hours"),
        migrations.RemoveField("helpline", "old_languages"),
        migrations.RemoveField("helpline", "source_url"),
        migrations.RemoveField("helpline", "source_date"),
    ]
