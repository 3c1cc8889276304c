"""What the helpline admin page posts, for tests of curators' helpline edits."""

HELPLINE_FORM = {"country": "KE", "name": "Counter-trafficking line", "operator": "",
                 "kind": "trafficking-hotline", "topics": '["trafficking"]', "purposes": "[]",
                 "languages": '["en", "sw"]', "opening_hours": "24/7",
                 "timezone": "Africa/Nairobi", "website": "", "notes": "", "last_verified": "",
                 "_save": "Save"}


def admin_form(channels, *, existing=(), **fields):
    """What the helpline admin page posts: the helpline's fields and its channels' formset."""
    data = {**HELPLINE_FORM, **fields, "channels-TOTAL_FORMS": str(len(channels)),
            "channels-INITIAL_FORMS": str(len(existing)), "channels-MIN_NUM_FORMS": "0",
            "channels-MAX_NUM_FORMS": "1000"}
    for i, channel in enumerate(channels):
        row = {"kind": "short-code", "note": "", "hours": "", "free": "unknown",
               "on_bill": "unknown", "source_url": "https://example.org/ke", "source_title": "",
               "source_date": "", **channel}
        if i < len(existing):
            row["id"] = str(existing[i])
        data.update({f"channels-{i}-{k}": v for k, v in row.items()})
    return data
