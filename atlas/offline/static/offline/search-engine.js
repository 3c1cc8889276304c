// The search grammar of docs/search.md, for the offline copy: a port of
// atlas/catalogue/search/query.py (parse_query, words) and of what the databases match, over the
// records pages.py writes (each tool's fields already as the parser's words). A test runs it in
// Node.js beside the site's search on the same queries (tests/offline/test_search_parity.py).
// Loaded as a classic script (window.atlasSearchEngine) or required by Node.js.
(function (root) {
  "use strict";

  const MAX_QUERY_CHARS = 200;
  const MAX_TOKENS = 16;
  // Whitespace spelt out, as in query.py: Python and JavaScript disagree on \s.
  const SPACE = "\\t\\n\\x0b\\x0c\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  const TOKEN = new RegExp(`(-?)(?:"([^"]*)"|([^"${SPACE}]+))`, "gu");
  const WORD = /[\p{L}\p{N}]+/gu;
  const NONSPACING_MARK = /\p{Mn}/gu;
  const folded = new Map();

  function firstCodePoint(text) {
    return String.fromCodePoint(text.codePointAt(0));
  }

  // One character as query.py's _FoldTable folds it: accents dropped, first character, lower case.
  function foldChar(ch) {
    let out = folded.get(ch);
    if (out !== undefined) return out;
    if (ch.codePointAt(0) < 128) {
      out = ch.toLowerCase();
    } else {
      const base = ch.normalize("NFKD").replace(NONSPACING_MARK, "").normalize("NFC") || ch;
      out = firstCodePoint(firstCodePoint(base).toLowerCase());
    }
    folded.set(ch, out);
    return out;
  }

  function fold(text) {
    let out = "";
    for (const ch of text) out += foldChar(ch);
    return out;
  }

  function words(text) {
    return fold(text.normalize("NFC")).match(WORD) || [];
  }

  function tokens(q) {
    q = Array.from(q.replace(/\x00/g, " ")).slice(0, MAX_QUERY_CHARS).join("");
    if ((q.match(/"/g) || []).length % 2) {  // the last quote is unpaired: it is ignored
      const last = q.lastIndexOf('"');
      q = q.slice(0, last) + " " + q.slice(last + 1);
    }
    const found = [];
    for (const match of q.matchAll(TOKEN)) {
      const [whole, negated, phrase, bare] = match;
      const quoted = phrase !== undefined;
      const partWords = words(quoted ? phrase : bare);
      if (!partWords.length) continue;
      const typed = whole.slice(negated.length);
      found.push({ part: { words: partWords, quoted }, negated: negated === "-", typed,
                   maybeOr: negated !== "-" && typed === "OR" });
      if (found.length === MAX_TOKENS) break;
    }
    return found;
  }

  function uniqueBy(items, key) {
    const seen = new Set();
    return items.filter((item) => {
      const k = key(item);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }

  // {groups: [[part, ...], ...], excluded: [part, ...]}; a part is {words, quoted}.
  function parseQuery(q) {
    const list = tokens(q || "");
    const joinable = (i) => i >= 0 && i < list.length && !list[i].negated && !list[i].maybeOr;
    const groups = [];
    const excluded = [];
    let afterOr = false;
    list.forEach((token, i) => {
      if (token.maybeOr && joinable(i - 1) && joinable(i + 1)) {
        afterOr = true;
        return;
      }
      if (token.negated) {
        excluded.push(token.part);
        return;
      }
      if (afterOr) groups[groups.length - 1].push(token.part);
      else groups.push([token.part]);
      afterOr = false;
    });
    const partKey = (part) => JSON.stringify(part);
    return {
      groups: uniqueBy(groups.map((group) => uniqueBy(group, partKey)),
                       (group) => JSON.stringify(group)),
      excluded: uniqueBy(excluded, partKey),
    };
  }

  function isPrefix(part) {
    return !part.quoted && part.words[part.words.length - 1].length > 1;
  }

  // The part's words one after another in the field's words, the last one a prefix if typed.
  function partInField(part, fieldWords) {
    const n = part.words.length;
    const last = part.words[n - 1];
    const prefix = isPrefix(part);
    for (let start = 0; start + n <= fieldWords.length; start++) {
      let k = 0;
      while (k < n - 1 && fieldWords[start + k] === part.words[k]) k++;
      if (k < n - 1) continue;
      const word = fieldWords[start + n - 1];
      if (prefix ? word.startsWith(last) : word === last) return true;
    }
    return false;
  }

  function partInRecord(part, fields) {
    return fields.some((fieldWords) => partInField(part, fieldWords));
  }

  function groupsMatch(groups, fields) {
    return groups.every((group) => group.some((part) => partInRecord(part, fields)));
  }

  // A record's fields as word lists: name (and aliases), organisations, body (pages.py "w").
  function fieldsOf(record) {
    if (!record._fields) {
      record._fields = record.w.map((text) => (text ? text.split(" ") : []));
    }
    return record._fields;
  }

  // The records matching the query, best first: as the site's tiers, a match in the name ranks
  // above one in the organisations, above one elsewhere; then by name. (The site then orders
  // each tier by full-text rank, which the copy does not compute.) Excluded words or phrases
  // leave a record out wherever they occur. No spelling or meaning fallback: they need the server.
  function search(records, q) {
    const parsed = parseQuery(q);
    const found = [];
    for (const record of records) {
      const fields = fieldsOf(record);
      if (parsed.excluded.some((part) => partInRecord(part, fields))) continue;
      if (!groupsMatch(parsed.groups, fields)) continue;
      let tier = 1;
      if (parsed.groups.length) {
        if (groupsMatch(parsed.groups, [fields[0]])) tier = 3;
        else if (groupsMatch(parsed.groups, [fields[1]])) tier = 2;
      }
      found.push([record, tier]);
    }
    found.sort((a, b) => b[1] - a[1] || a[0].n.localeCompare(b[0].n));
    return found.map(([record]) => record);
  }

  const api = { fold, words, parseQuery, search };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.atlasSearchEngine = api;
})(typeof window !== "undefined" ? window : globalThis);
