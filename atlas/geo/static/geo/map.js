// The world map: an enhancement of the /map/ page, which works without it (filters are links,
// the table lists every country). Reads its data from the map's JSON endpoint, a twin of the
// tools search, and never from the page. Leaflet and Leaflet.markercluster are loaded before
// this module by deferred scripts; no inline script or style is used (strict CSP).

const SHAPE_STYLE = { color: "#4a5561", weight: 0.6, fillOpacity: 1 };
// Without tiles nothing exists beyond country level: zoom 6 is enough to click small countries,
// and markercluster needs a maxZoom to know when to stop clustering.
const MAX_ZOOM = 6;

function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

function link(href, text) {
  return el("a", { href }, text);
}

class WorldMap {
  constructor(container) {
    this.container = container;
    this.endpoint = container.dataset.endpoint;
    this.countryEndpoint = container.dataset.countryEndpoint;
    this.frame = document.getElementById("map-frame");
    this.panel = document.getElementById("country-panel");
    this.facets = document.querySelector("[data-facets]");
    this.form = document.querySelector("[data-filter-form]");
    this.rows = document.querySelector("[data-country-rows]");
    this.summary = document.querySelector("[data-summary]");
    this.jsonLink = document.querySelector("[data-json-link]");
    this.layers = new Map(); // country code -> shape or dot layer
    this.data = null;
    // The page's filters as the server understood them (unknown values dropped and explained on
    // the page), so the first request never fails on a hand-edited address.
    this.query = container.dataset.query;
    this.requests = 0;
    this.openCode = null;
    this.opener = null;
  }

  async start() {
    this.frame.hidden = false;
    document.getElementById("map-controls").hidden = false;
    this.map = L.map(this.container, {
      minZoom: 1, maxZoom: MAX_ZOOM, zoomSnap: 0.25, worldCopyJump: false,
      maxBounds: [[-75, -220], [88, 240]],
    });
    this.map.attributionControl.setPrefix(false);
    this.map.attributionControl.addAttribution(this.container.dataset.labelAttribution);
    const tileUrl = this.container.dataset.tileUrl;
    if (tileUrl) L.tileLayer(tileUrl, { maxZoom: MAX_ZOOM }).addTo(this.map);
    this.map.fitBounds([[-56, -170], [80, 190]]);

    const shapes = await (await fetch(this.container.dataset.shapes)).json();
    this.shapes = L.geoJSON(shapes, {
      style: () => ({ ...SHAPE_STYLE, fillColor: "#e9ecef" }),
      onEachFeature: (feature, layer) => {
        this.layers.set(feature.id, layer);
        layer.on("click", () => this.openCountry(feature.id, layer.getElement()));
      },
    }).addTo(this.map);
    // Tabbing to a country outside the zoomed-in view brings it into view. One listener on the
    // container: Chromium makes any SVG element with its own focus listener focusable.
    this.container.addEventListener("focusin", (event) => {
      const layer = this.layers.get(event.target.dataset?.code);
      if (layer && !this.map.getBounds().intersects(layer.getBounds())) {
        this.map.panTo(layer.getBounds().getCenter());
      }
    });
    this.dots = L.layerGroup().addTo(this.map);
    this.hq = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
    const toggle = document.getElementById("show-hq");
    toggle.addEventListener("change", () => {
      if (toggle.checked) this.hq.addTo(this.map); else this.hq.remove();
    });

    this.bindFilters();
    this.panel.querySelector("[data-close]").addEventListener("click", () => this.closePanel());
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.closePanel();
    });
    window.addEventListener("popstate", () => {
      this.query = location.search.replace(/^\?/, "");
      this.load();
    });
    await this.load();
  }

  bindFilters() {
    this.facets.addEventListener("click", (event) => {
      const a = event.target.closest("a");
      if (!a || !a.getAttribute("href").startsWith("?")) return;
      event.preventDefault();
      this.focusAfter = a.dataset.value ? [a.closest("details")?.dataset.param, a.dataset.value] : null;
      this.navigate(a.getAttribute("href").slice(1));
    });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const params = new URLSearchParams();
      for (const [key, value] of new FormData(this.form)) if (value.trim()) params.append(key, value);
      this.navigate(params.toString());
    });
  }

  navigate(query) {
    this.query = query;
    history.pushState(null, "", location.pathname + (query ? "?" + query : ""));
    return this.load();
  }

  url(base) {
    return base + (this.query ? "?" + this.query : "");
  }

  async load() {
    const request = ++this.requests;
    const response = await fetch(this.url(this.endpoint), { headers: { Accept: "application/json" } });
    if (!response.ok) {
      // The JSON twin refuses invalid filters (400), which only a hand-edited address reached
      // through Back can hold: let the server render that page and explain them.
      location.reload();
      return;
    }
    const data = await response.json();
    if (request !== this.requests) return; // a newer filter change has already been asked for
    this.data = data;
    this.render();
    if (this.openCode) this.openCountry(this.openCode, null, false);
  }

  render() {
    const data = this.data;
    const byCode = new Map(data.countries.map((c) => [c.code, c]));
    for (const [code, layer] of this.layers) {
      const country = byCode.get(code);
      layer.setStyle({ fillColor: data.legend[country ? country.bin : 0].color });
      this.describe(layer.getElement(), code, country);
    }
    this.dots.clearLayers();
    for (const country of data.countries) {
      if (this.layers.has(country.code) || country.lat === null) continue;
      const dot = L.circleMarker([country.lat, country.lng], {
        ...SHAPE_STYLE, radius: 5, fillColor: data.legend[country.bin].color,
      }).addTo(this.dots);
      dot.on("click", () => this.openCountry(country.code, dot.getElement()));
      this.describe(dot.getElement(), country.code, country);
    }
    this.hq.clearLayers();
    this.hq.addLayers(data.organisations.map((org) => {
      const marker = L.marker([org.lat, org.lng], {
        icon: L.divIcon({ className: "hq-marker", iconSize: [14, 14] }), title: org.name, alt: org.name,
      });
      marker.bindPopup(() => link(org.url, org.name));
      return marker;
    }));
    this.renderSummary();
    this.renderRows();
    this.renderFacets();
    if (this.jsonLink) this.jsonLink.href = this.url(this.endpoint); // not in the offline copy
    for (const input of this.form.querySelectorAll("input[type=hidden]")) input.remove();
    const params = new URLSearchParams(data.query);
    this.form.querySelector("[name=q]").value = params.get("q") || "";
    for (const [key, value] of params) {
      if (key !== "q") this.form.append(el("input", { type: "hidden", name: key, value }));
    }
  }

  // Countries with tools are buttons a keyboard can reach; the others stay plain shapes.
  describe(node, code, country) {
    if (!node) return;
    node.dataset.code = code;
    node.removeEventListener("keydown", node.atlasKeydown || (() => {}));
    if (!country) {
      for (const name of ["tabindex", "role", "aria-label"]) node.removeAttribute(name);
      node.setAttribute("aria-hidden", "true");
      return;
    }
    node.removeAttribute("aria-hidden");
    node.setAttribute("tabindex", "0");
    node.setAttribute("role", "button");
    node.setAttribute("aria-label", `${country.name}: ${country.count_label}`);
    node.atlasKeydown = (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        this.openCountry(country.code, node);
      }
    };
    node.addEventListener("keydown", node.atlasKeydown);
  }

  renderSummary() {
    const data = this.data;
    this.summary.replaceChildren(document.createTextNode(data.summary));
    if (data.global_count) {
      const note = el("span", { class: "global-note" }, " · ");
      note.append(link(data.global_url, data.global_summary));
      this.summary.append(note);
    }
  }

  renderRows() {
    const rows = this.data.countries.map((country) => {
      const row = document.getElementById("country-row-template").content.firstElementChild.cloneNode(true);
      row.dataset.code = country.code;
      const [name, tools, helplines] = row.children;
      const button = el("button", { type: "button", class: "link-button" }, country.name);
      button.addEventListener("click", () => this.openCountry(country.code, button));
      name.replaceChildren(button);
      tools.firstElementChild.href = country.tools_url;
      tools.firstElementChild.textContent = country.count_label;
      helplines.firstElementChild.href = country.helplines_url;
      return row;
    });
    if (!rows.length) {
      rows.push(document.getElementById("country-empty-template").content.firstElementChild.cloneNode(true));
    }
    this.rows.replaceChildren(...rows);
  }

  renderFacets() {
    const list = this.facets.querySelector("[data-facet-list]");
    const wasOpen = new Map([...list.querySelectorAll("details")].map((d) => [d.dataset.param, d.open]));
    const removeLabel = this.facets.dataset.removeLabel;
    const blocks = this.data.facets.filter((f) => f.values.length).map((facet) => {
      const details = el("details", { class: "facet" });
      details.dataset.param = facet.param;
      details.open = wasOpen.get(facet.param) ?? facet.values.some((v) => v.selected);
      details.append(el("summary", {}, facet.label));
      const ul = el("ul");
      for (const value of facet.values) {
        const a = el("a", { href: "?" + value.toggle_query, rel: "nofollow" });
        a.dataset.value = value.value;
        if (value.selected) {
          a.setAttribute("aria-current", "true");
          a.className = "selected";
          a.append(el("span", { class: "visually-hidden" }, removeLabel + " "), "✓ ");
        }
        a.append(value.label);
        const li = el("li");
        li.append(a, " ", el("span", { class: "count" }, value.count.toLocaleString()));
        ul.append(li);
      }
      details.append(ul);
      return details;
    });
    list.replaceChildren(...blocks);
    this.facets.querySelector("[data-clear]").hidden = !this.data.query;
    if (this.focusAfter) {
      const [param, value] = this.focusAfter;
      const target = [...list.querySelectorAll(`details[data-param="${CSS.escape(param)}"] a`)]
        .find((a) => a.dataset.value === value);
      (target || this.summary).focus();
      this.focusAfter = null;
    }
  }

  async openCountry(code, opener, moveFocus = true) {
    if (opener) this.opener = opener;
    this.openCode = code;
    const response = await fetch(this.url(this.countryEndpoint.replace("XX", code)));
    if (!response.ok || this.openCode !== code) return;
    const country = await response.json();
    const body = document.getElementById("country-panel-template").content.cloneNode(true);
    const slot = (name) => body.querySelector(`[data-slot="${name}"]`);
    slot("summary").textContent = country.summary;
    const fill = (name, items, make) => {
      slot(name).replaceChildren(...items.map((item) => { const li = el("li"); li.append(...make(item)); return li; }));
      slot(name).hidden = !items.length;
      slot("none-" + name).hidden = items.length > 0;
    };
    fill("tools", country.tools, (t) => [link(t.url, t.name)]);
    fill("organisations", country.organisations, (o) => [link(o.url, o.name)]);
    fill("helplines", country.helplines, (h) => {
      const parts = [el("strong", {}, h.name), ` (${h.kind})`];
      const numbers = h.channels.filter((c) => c.dial);
      numbers.forEach((c, i) => {
        parts.push(i ? ", " : ": ");
        const a = link(`${c.kind === "sms" ? "sms" : "tel"}:${c.dial}`, c.value);
        a.dir = "ltr";
        parts.push(a);
      });
      return parts;
    });
    if (country.global_count) {
      slot("global").hidden = false;
      slot("global-link").href = country.global_url;
    }
    slot("tools-link").href = country.tools_url;
    slot("helplines-link").href = country.helplines_url;
    const title = this.panel.querySelector("h3");
    title.textContent = country.name;
    this.panel.querySelector("[data-panel-body]").replaceChildren(body);
    this.panel.hidden = false;
    this.panel.dataset.code = code;
    if (moveFocus) title.focus();
  }

  closePanel() {
    this.panel.hidden = true;
    this.openCode = null;
    delete this.panel.dataset.code;
    if (this.opener && document.contains(this.opener)) this.opener.focus();
  }
}

const container = document.getElementById("world-map");
if (container && window.L) {
  new WorldMap(container).start().catch(() => {
    // Keep the page usable: the table and the filter links work without the map.
    document.getElementById("map-frame").hidden = true;
    document.getElementById("map-controls").hidden = true;
  });
}
