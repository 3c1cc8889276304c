// Offline copy only: the tools search, run in the browser over a prebuilt index
// (window.ATLAS_SEARCH.packed, one record per tool, and .facets, the labels in this language).
// The text is matched by search-engine.js, with the site's grammar and words (docs/search.md);
// values within a facet combine with OR, facets with AND; facet counts leave out their own facet.
(function () {
  "use strict";
  // The records travel compressed (pages.py write_search_records): unpack.js, loaded before
  // this, unpacks them. Without DecompressionStream the page keeps its "needs JavaScript" note.
  const loaded = window.ATLAS_SEARCH;
  if (!loaded || !loaded.packed || !window.DecompressionStream || !window.atlasUnpack ||
      !window.atlasSearchEngine) return;
  window.atlasUnpack(loaded.packed).then((tools) => start({ ...loaded, tools }));

  function start(data) {
    const form = document.querySelector("[data-offline-search]");
    if (!data || !data.tools || !data.facets || !form) return;

    const facets = data.facets.facets;
    const records = data.tools;

    function el(tag, attrs, text) {
      const node = document.createElement(tag);
      for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
      if (text) node.textContent = text;
      return node;
    }

    function matchesFacets(record, selected, except) {
      for (const [param, values] of selected) {
        if (param === except || !values.length) continue;
        const own = record.f[param] || [];
        if (!values.some((v) => own.includes(v))) return false;
      }
      return true;
    }

    function toggleQuery(params, param, value) {
      const next = new URLSearchParams();
      let removed = false;
      for (const [key, v] of params) {
        if (key === param && v === value) removed = true;
        else next.append(key, v);
      }
      if (!removed) next.append(param, value);
      return next.toString();
    }

    function run() {
      const params = new URLSearchParams(location.search);
      const q = params.get("q") || "";
      form.querySelector("[name=q]").value = q;
      const selected = facets.map((f) => [f.param, params.getAll(f.param)]);
      const textMatches = window.atlasSearchEngine.search(records, q);  // best first
      renderResults(textMatches.filter((r) => matchesFacets(r, selected, null)));
      renderFacets(params, selected, textMatches);
    }

    function renderResults(results) {
      const section = document.querySelector("[data-offline-results]");
      const labels = section.dataset;
      section.hidden = false;
      section.querySelector("[data-count]").textContent =
        `${labels.labelCount} ${results.length.toLocaleString(data.facets.language)}`;
      const items = results.map((r) => {
        const li = el("li", { class: "tool-card" });
        const h3 = el("h3");
        h3.append(el("a", { href: data.facets.tool_url.replace("SLUG", encodeURIComponent(r.s)) }, r.n));
        const meta = el("p", { class: "meta" });
        if (r.o.length) meta.append(`${labels.labelBy} ${r.o.join(", ")} `);
        meta.append(el("span", { class: r.v ? "badge verified" : "badge unverified" },
          r.v ? labels.labelVerified : labels.labelUnverified));
        li.append(h3, el("p", {}, r.d), meta);
        return li;
      });
      if (!items.length) items.push(el("li", {}, labels.labelNone));
      section.querySelector("[data-list]").replaceChildren(...items);
    }

    function renderFacets(params, selected, textMatches) {
      const aside = document.querySelector("[data-offline-facets]");
      aside.hidden = false;
      const removeLabel = aside.dataset.removeLabel;
      const blocks = [];
      facets.forEach((facet, i) => {
        const chosen = params.getAll(facet.param);
        const counts = new Map();
        for (const r of textMatches) {
          if (!matchesFacets(r, selected, facet.param)) continue;
          for (const v of r.f[facet.param] || []) counts.set(v, (counts.get(v) || 0) + 1);
        }
        for (const v of chosen) if (!counts.has(v)) counts.set(v, 0);
        if (!counts.size) return;
        const values = [...counts].sort((a, b) => b[1] - a[1] ||
          String(facet.values[a[0]] || a[0]).localeCompare(String(facet.values[b[0]] || b[0])));
        const details = el("details", { class: "facet" });
        details.open = chosen.length > 0 || i < 4;
        details.append(el("summary", {}, facet.label));
        const ul = el("ul");
        for (const [value, count] of values) {
          const a = el("a", { href: "?" + toggleQuery(params, facet.param, value), rel: "nofollow" });
          if (chosen.includes(value)) {
            a.setAttribute("aria-current", "true");
            a.className = "selected";
            a.append(el("span", { class: "visually-hidden" }, removeLabel + " "), "✓ ");
          }
          a.append(facet.values[value] || value);
          const li = el("li");
          li.append(a, " ", el("span", { class: "count" }, count.toLocaleString(data.facets.language)));
          ul.append(li);
        }
        details.append(ul);
        blocks.push(details);
      });
      aside.querySelector("[data-facet-list]").replaceChildren(...blocks);
      aside.querySelector("[data-clear]").hidden = !selected.some(([, v]) => v.length);
    }

    document.querySelector("[data-needs-js]").hidden = true;
    run();
  }
})();
