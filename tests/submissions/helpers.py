"""Helpers the submissions tests share."""

from html.parser import HTMLParser

from atlas.revisions.models import Revision


def revisions_of(obj):
    """The revisions of one record (a tool, an organisation, a helpline), newest first."""
    return Revision.objects.filter(content_type__model=obj._meta.model_name, object_id=obj.pk)


class _FormReader(HTMLParser):
    """What a browser without JavaScript sends for the first form with a given action: text,
    URL and hidden inputs, ticked boxes, selected options and text areas, as the page has them."""

    def __init__(self, action):
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.data = action, False, {}
        self._select = self._textarea = None

    def _add(self, name, value, many=False):
        if many:
            self.data.setdefault(name, []).append(value)
        else:
            self.data[name] = value

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside or "name" not in a and tag in ("input", "select", "textarea"):
            return
        if tag == "input" and a.get("type") in ("checkbox", "radio"):
            if "checked" in a:
                self._add(a["name"], a.get("value", "on"), many=a["type"] == "checkbox")
        elif tag == "input" and a.get("type") not in ("submit", "button"):
            self._add(a["name"], a.get("value", ""))
        elif tag == "select":
            self._select = a["name"]
            self.data.setdefault(a["name"], "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.data[a["name"]] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:  # the browser drops a newline right after <textarea>
            text = self.data[self._textarea]
            self.data[self._textarea] = text + (data if text else data.lstrip("\n"))


def form_data(client, url) -> dict:
    """The form at url as a browser would send it unchanged (csrf token left out)."""
    reader = _FormReader(url)
    reader.feed(client.get(url).content.decode())
    reader.data.pop("csrfmiddlewaretoken", None)
    return reader.data
