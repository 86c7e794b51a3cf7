// quiz.mjs: the coursekit quiz widget, one render function per question type.
//
// The same module runs in JupyterLab / Notebook 7 / VS Code (anywidget, with a kernel) and in the
// book's static pages (MyST's {anywidget} directive: `model.get` only, no kernel, maybe no `on`).
// It imports nothing, so it works offline. It never reads a key in graded mode: graded models
// carry only the question's public view.

// ---- answer matching (same rules as bank/matching.py and bank/numbers.py) ----
// A copy of the Python rules, used by the self-checks and the graded number field. The grader's Python is the
// authority for grades; tests/fixtures/matching-vectors.json holds the cases both must agree on (tests/widgets).

const FUNCTION_WORDS = new Set(["a", "an", "the", "of", "and"]);
const ARTICLES = new Set(["a", "an", "the"]);
const HEDGES = new Set(["or", "maybe", "perhaps", "possibly", "either", "unsure"]);
const SLIP_MIN_LETTERS = 5;
const MAX_SLIPS = 1;
const MAX_WORDS = 40;
const ASIDE = /[([][^()[\]]*[)\]]/g;
const ACRONYM = /(?<![\p{L}\p{N}])((?:\p{L}\.)+\p{L})\.?(?![\p{L}\p{N}])/gu;
const chars = (s) => [...s]; // code points, as Python counts them

/** NFKC, case-folded as Python's casefold does (upper then lower twice; a final sigma is a sigma; Cherokee folds to
 *  its capitals), without accents. */
export const fold = (s) =>
  s
    .normalize("NFKC")
    .toUpperCase()
    .toLowerCase()
    .toUpperCase() // twice: "ẞ" lowers to "ß", which only then uppers to "SS"
    .toLowerCase()
    .replace(/ς/g, "σ")
    .replace(/[\uAB70-\uABBF\u13F8-\u13FD]/g, (c) => String.fromCharCode(c.charCodeAt(0) - (c > "\u13FF" ? 0x97d0 : 8)))
    .normalize("NFKD")
    .replace(/\p{Mn}/gu, "");

function singular(w) {
  const c = chars(w);
  if (c.length <= 3) return w;
  if (w.endsWith("ies") && !"aeiou".includes(c[c.length - 4])) return c.slice(0, -3).join("") + "y";
  if (["sses", "shes", "ches", "xes", "zes"].some((e) => w.endsWith(e))) return c.slice(0, -2).join("");
  if (w.endsWith("s") && !["ss", "us", "is"].some((e) => w.endsWith(e))) return c.slice(0, -1).join("");
  return w;
}

/** The words of a text as the matcher compares them. */
export function words(text) {
  const s = fold(text).replace(ACRONYM, (_, g) => g.replaceAll(".", "")).replaceAll("&", " and ");
  return s
    .replace(/[\p{P}\p{S}\p{Z}\p{C}]/gu, " ")
    .split(" ")
    .filter((w) => w && w !== "s")
    .map(singular);
}

const content = (tokens, ignore = new Set()) => tokens.filter((w) => !FUNCTION_WORDS.has(w) && !ignore.has(w));

/** Optimal string alignment distance on code points, capped: only "0, 1 or more" matters here. */
function osa(a, b) {
  [a, b] = [chars(a), chars(b)];
  if (Math.abs(a.length - b.length) > 1) return 2;
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...b.map((_, j) => (i ? 0 : j + 1))]);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

function slips(said, form) {
  if (said === form) return 0;
  return Math.min(chars(said).length, chars(form).length) >= SLIP_MIN_LETTERS && osa(said, form) <= 1 ? 1 : 2;
}

function spanCost(said, form) {
  const joined = slips(said.join(""), form.join(""));
  if (said.length !== form.length) return joined;
  return Math.min(joined, said.reduce((n, w, i) => n + slips(w, form[i]), 0));
}

function compare(said, form) {
  if (!form.length) return [MAX_SLIPS + 1, []];
  const cost = spanCost(said, form);
  if (cost !== 1) return [cost, []];
  const pairs = said.length === form.length ? said.map((w, i) => [w, form[i]]).filter(([a, b]) => a !== b) : [];
  return [cost, pairs.length === 1 ? pairs[0] : [said.join(" "), form.join(" ")]];
}

/** The intent's forms as words, worked out once per question (like bank/matching.py's Intent). */
function intentOf(match) {
  const m = { core: [], optional: [], accept: [], refuse: [], ...match };
  const optionalText = new Map();
  for (const o of m.optional) for (const w of words(o)) optionalText.set(w, o); // the last writer wins, as in a dict
  const ignorable = [...new Set(m.optional.flatMap(words))];
  const ignore = new Set(ignorable);
  return {
    ignorable,
    optionalText,
    terms: m.core.map((t) => [t, content(words(t), ignore)]).filter(([, w]) => w.length),
    aliases: m.accept.map((a) => [a, content(words(a))]),
    refused: m.refuse.map((r) => [r, words(r)]),
  };
}

function coreSequence(it, said) {
  const best = Array(said.length + 1).fill(null);
  best[0] = [0, [], [], []];
  // at equal cost, a reading that has a core term already is better
  const better = (a, b) => a[0] < b[0] || (a[0] === b[0] && a[1].length > 0 && b[1].length === 0);
  const offer = (j, s) => s[0] <= MAX_SLIPS && (!best[j] || better(s, best[j])) && (best[j] = s);
  for (let i = 0; i < said.length; i++) {
    if (!best[i]) continue;
    const [cost, terms, slip, used] = best[i];
    for (const word of it.ignorable) {
      const extra = slips(said[i], word);
      if (extra <= MAX_SLIPS) offer(i + 1, [cost + extra, terms, slip.length ? slip : extra ? [said[i], word] : [], [...used, word]]);
    }
    for (const [text, form] of it.terms) {
      for (let j = i + 1; j <= Math.min(said.length, i + form.length + 1); j++) {
        const [extra, slipped] = compare(said.slice(i, j), form);
        if (cost + extra <= MAX_SLIPS && !it.refused.some(([, r]) => compare(said.slice(i, j), r)[0] <= extra))
          offer(j, [cost + extra, [...terms, text], slip.length ? slip : slipped, used]);
      }
    }
  }
  const end = best[said.length];
  return end && end[1].length ? end : null;
}

function bestRight(it, tokens) {
  const said = content(tokens);
  let found = null;
  const seq = coreSequence(it, said);
  if (seq) {
    const optional = [...new Set(seq[3].map((w) => it.optionalText.get(w)))];
    found = [seq[0], { kind: "core", forms: seq[1], slip: seq[2], optional, aside: false }];
  }
  for (const [alias, form] of it.aliases) {
    const [cost, slip] = compare(said, form);
    if (cost <= MAX_SLIPS && (!found || cost < found[0]))
      found = [cost, { kind: "alias", forms: [alias], slip, optional: [], aside: false }];
  }
  return found;
}

function bestRefused(it, tokens) {
  let found = null;
  const bare = ARTICLES.has(tokens[0]) ? tokens.slice(1) : null;
  for (const [form, target] of it.refused) {
    for (const said of [tokens, target.length && !ARTICLES.has(target[0]) ? bare : null]) {
      if (!said || !said.length) continue;
      const [cost, slip] = compare(said, target);
      if (cost <= MAX_SLIPS && (!found || cost < found[0]))
        found = [cost, { kind: "refused", forms: [form], slip, optional: [], aside: false }];
    }
  }
  return found;
}

const NOTHING = { kind: "", forms: [], slip: [], optional: [], aside: false };

function matchWords(it, tokens) {
  if (!tokens.length || tokens.length > MAX_WORDS) return NOTHING;
  const right = bestRight(it, tokens);
  const wrong = bestRefused(it, tokens);
  if (wrong && (!right || wrong[0] <= right[0])) return wrong[1];
  return right ? right[1] : NOTHING;
}

function offersAnother(aside) {
  const said = words(aside);
  const alone = said.length === 1 && !/^[0-9]+$/.test(said[0]);
  return alone || /[/?,;]/.test(aside) || said.some((w) => HEDGES.has(w));
}

/** Which of a text question's forms `answer` matches: {kind: "core"|"alias"|"refused"|"", forms, slip, optional,
 *  aside}; `match` is the question's {core, optional, accept, refuse}. */
export function matchText(match, answer) {
  const it = intentOf(match);
  const found = matchWords(it, words(answer));
  if (found.kind) return found;
  const folded = fold(answer);
  const asides = folded.match(ASIDE) || [];
  if (!asides.length || asides.some(offersAnother)) return found;
  const bare = matchWords(it, words(folded.replace(ASIDE, " ")));
  return bare.kind ? { ...bare, aside: true } : found;
}

/** The match in words, exactly as TextMatch.describe() says it. */
export function describeMatch(m) {
  if (!m.kind) return "";
  const what = { core: "core term", alias: "accepted answer", refused: "refused answer" }[m.kind];
  let text = `the ${what}${m.forms.length > 1 ? "s" : ""} ${m.forms.map((f) => `“${f}”`).join(" and ")}`;
  if (m.optional.length)
    text += ` with the optional word${m.optional.length > 1 ? "s" : ""} ${m.optional.map((w) => `“${w}”`).join(", ")}`;
  if (m.slip.length) text += `, allowing one typing slip (“${m.slip[0]}” for “${m.slip[1]}”)`;
  if (m.aside) text += ", leaving out the remark in brackets";
  return text;
}

const ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen";
const NUMBER_WORDS = new Map([...ONES.split(" "), "seventeen", "eighteen", "nineteen"].map((w, i) => [w, i]));
const TENS = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const DIGITS = /^[+-]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+)$/;
const MAX_NUMBER_CHARS = 40;
const trim = (s) => s.replace(/^[\p{Z}\p{Cc}]+|[\p{Z}\p{Cc}]+$/gu, "");

function inWords(s) {
  const parts = s.split(/[ -]+/).filter(Boolean);
  const joined = parts.join(" ");
  if (joined === "a hundred" || joined === "one hundred") return 100;
  if (parts.length === 1 && NUMBER_WORDS.has(parts[0])) return NUMBER_WORDS.get(parts[0]);
  if (parts.length && parts[0] in TENS && parts.length <= 2) {
    if (parts.length === 1) return TENS[parts[0]];
    const n = NUMBER_WORDS.get(parts[1]);
    if (n > 0 && n < 10) return TENS[parts[0]] + n;
  }
  return null;
}

/** A typed number as bank/numbers.py reads it: {value (null if none), how: ["in words", ...]}. */
export function readNumber(text, unit) {
  let s = trim(fold(text));
  const how = [];
  if (chars(s).length > MAX_NUMBER_CHARS) return { value: null, how: [] };
  if (s.endsWith(".") && !s.endsWith("..")) (s = trim(s.slice(0, -1))), how.push("a trailing period");
  if (unit && s.includes(" ")) {
    const at = s.lastIndexOf(" ");
    const unitWords = words(unit);
    if (unitWords.length && JSON.stringify(words(s.slice(at + 1))) === JSON.stringify(unitWords.slice(-1)))
      (s = trim(s.slice(0, at))), how.push("the unit");
  }
  if (DIGITS.test(s)) {
    const value = Number(s.replace(/[, ]/g, ""));
    if (s.includes(",") || s.includes(" ")) how.push("a thousands separator");
    return Number.isFinite(value) ? { value, how } : { value: null, how: [] };
  }
  const value = inWords(s);
  return value === null ? { value: null, how: [] } : { value, how: [...how, "in words"] };
}
// ---- end of answer matching ----

// ---------- practice feedback ----------

// A copy of scoring.py's rules, used ONLY to give practice feedback in the browser.
// scoring.py is the authority for grading; keep the two in step (tests/widgets checks parity).
const isIdList = (v) => Array.isArray(v) && v.every((x) => typeof x === "string");
const SCORERS = {
  single: (q, v) => (typeof v !== "string" || !q.options.some((o) => o.id === v) ? null : v === q.key ? 1 : 0),
  multiple(q, v) {
    if (!isIdList(v) || v.some((id) => !q.options.some((o) => o.id === id))) return null;
    const picked = new Set(v);
    const right = [...picked].filter((id) => q.key.includes(id)).length;
    return (right - (picked.size - right)) / q.key.length;
  },
  numeric(q, v) {
    const n = typeof v === "string" ? readNumber(v, q.unit).value : typeof v === "number" && Number.isFinite(v) ? v : null;
    return n === null ? null : Math.abs(n - q.key) <= (q.tolerance || 0) + 1e-9 ? 1 : 0;
  },
  text: (q, v) => (typeof v !== "string" ? null : ["core", "alias"].includes(matchText(q.match ?? { accept: q.key }, v).kind) ? 1 : 0),
  ordering(q, v) {
    const key = q.key;
    if (!isIdList(v) || [...v].sort().join("\n") !== [...key].sort().join("\n")) return null;
    let pairs = 0;
    let concordant = 0;
    key.forEach((a, i) => key.slice(i + 1).forEach((b) => (pairs++, (concordant += v.indexOf(a) < v.indexOf(b)))));
    return (2 * concordant - pairs) / pairs;
  },
  matching(q, v) {
    if (!v || typeof v !== "object" || Array.isArray(v)) return null;
    if (Object.values(v).some((r) => typeof r !== "string") || Object.keys(v).some((l) => !(l in q.key))) return null;
    const lefts = Object.keys(q.key);
    return lefts.filter((l) => v[l] === q.key[l]).length / lefts.length;
  },
};

/** The practice verdict of `value`: {verdict, fraction}, like scoring.score. */
export function check(question, value) {
  if (value === null || value === undefined) return { verdict: "unanswered", fraction: 0 };
  const raw = SCORERS[question.type]?.(question, value);
  if (raw === null || raw === undefined) return { verdict: "invalid", fraction: 0 };
  const fraction = Math.min(1, Math.max(0, raw));
  return { verdict: fraction === 1 ? "correct" : fraction === 0 ? "incorrect" : "partial", fraction };
}

// ---------- shared helpers ----------

let serial = 0;
// Several widgets (and several copies of this module) can share one page: ids must not collide.
const uid = (what) => `ck-${what}-${Math.random().toString(36).slice(2, 8)}${++serial}`;

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    // `html` is only ever given inline()/markdown() output, which escapes the bank's text first.
    if (k === "html") el.innerHTML = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k === "cls" ? "class" : k, v === true ? "" : v);
  }
  // JupyterLab's command-mode shortcuts (ArrowUp/Down, Enter...) would otherwise take keys from our
  // controls; Lumino leaves alone any element carrying this attribute.
  if (/^(input|select|button|textarea)$/.test(tag)) el.setAttribute("data-lm-suppress-shortcuts", "true");
  el.append(...children.filter((c) => c !== null && c !== undefined));
  return el;
}

const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ESC[c]);
const safeUrl = (url) => /^(https?:|mailto:)/i.test(url) || !/^[a-z][a-z0-9+.-]*:/i.test(url);

/** A safe Markdown subset (**bold**, *em*, `code`, [links](url)) of one line; the text is escaped first. */
function inline(text) {
  const codes = [];
  let s = escapeHtml(String(text).replace(/\0/g, ""));
  s = s.replace(/`([^`]+)`/g, (_, c) => `\0${codes.push(c) - 1}\0`);
  s = s.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, label, url) =>
    safeUrl(url) ? `<a href="${url}" target="_blank" rel="noopener noreferrer">${label}</a>` : label,
  );
  s = s.replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>").replace(/\*([^*\s][^*]*)\*/g, "<em>$1</em>");
  return s.replace(/\0(\d+)\0/g, (_, i) => `<code>${codes[i]}</code>`);
}
/** Paragraphs of the subset: blank lines separate paragraphs. */
const markdown = (text) =>
  String(text ?? "")
    .split(/\n\s*\n/)
    .filter((p) => p.trim())
    .map((p) => `<p>${inline(p.trim().replace(/\s*\n\s*/g, " "))}</p>`)
    .join("");
/** The words of a Markdown line without its markup, for aria-labels and <option>s. */
const plain = (text) =>
  String(text)
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/[*`]/g, "");

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

// ---------- one render function per question type ----------
// Each returns {node, show(value), draft(), focus()}: `show` puts a value on screen (from Python or
// a reset), `draft` reads what is on screen. `ui` carries ids and the callbacks into the shell. Optional:
// `typed` (the screen may differ from what is saved), `incomplete(value)` (why a saved answer is unfinished, or "")
// and `twice()` (the choices used for more than one item).

function choices(q, ui, type) {
  const name = ui.id("opt");
  const onchange = (e) => (type === "radio" ? ui.answer(e.target.value) : ui.edited());
  // Space chooses natively; Enter does the same here, as many students expect it to.
  const onkeydown = (e) => e.key === "Enter" && (e.preventDefault(), e.target.click());
  const inputs = q.options.map((o) => h("input", { type, name, value: o.id, onchange, onkeydown }));
  const rows = q.options.map((o, i) =>
    h("label", { cls: "ck-choice" }, inputs[i], h("span", { html: inline(o.text) })),
  );
  const role = type === "radio" ? "radiogroup" : "group";
  const node = h(
    "div",
    { cls: "ck-choices", role, "aria-labelledby": ui.promptId, "aria-describedby": ui.helpId },
    ...rows,
  );
  return { node, inputs, focus: () => (inputs.find((i) => i.checked) || inputs[0]).focus() };
}

function single(q, ui) {
  const view = choices(q, ui, "radio");
  view.show = (v) => view.inputs.forEach((i) => (i.checked = i.value === v));
  view.draft = () => view.inputs.find((i) => i.checked)?.value ?? null;
  return view;
}

function multiple(q, ui) {
  const view = choices(q, ui, "checkbox");
  view.show = (v) => view.inputs.forEach((i) => (i.checked = Array.isArray(v) && v.includes(i.value)));
  view.draft = () => view.inputs.filter((i) => i.checked).map((i) => i.value);
  return view;
}

function field(q, ui, attrs, parse, suffix) {
  const input = h("input", {
    type: "text",
    id: ui.id("field"),
    autocomplete: "off",
    spellcheck: "false",
    "aria-labelledby": ui.promptId,
    "aria-describedby": ui.helpId,
    oninput: () => ui.edited(false),
    onchange: () => ui.edited(),
    onkeydown: (e) => e.key === "Enter" && (e.preventDefault(), ui.submit()),
    ...attrs,
  });
  const node = h("div", { cls: "ck-field" }, input, suffix ? h("span", { cls: "ck-unit" }, suffix) : null);
  const show = (v) => (input.value = v === null || v === undefined ? "" : String(v));
  // typed: what is on screen may differ from what is saved until Enter, Save answer, leaving the field or Ctrl+S
  return { node, show, draft: () => parse(input.value.trim()), focus: () => input.focus(), typed: true };
}

function numeric(q, ui) {
  return field(
    q,
    ui,
    { inputmode: "decimal", cls: "ck-number" },
    (s) => {
      if (!s) return null;
      const n = readNumber(s, q.unit).value; // "1,951", "1951.", "four", "4 years": bank/numbers.py's rules
      return n !== null ? n : { problem: `“${s}” is not a number. Type digits only, for example 1953.` };
    },
    q.unit,
  );
}

function text(q, ui) {
  return field(q, ui, { cls: "ck-text" }, (s) => s || null);
}

function ordering(q, ui) {
  const items = Object.fromEntries(q.items.map((o) => [o.id, o]));
  let order = q.items.map((o) => o.id);
  const rows = {};
  const list = h("ol", { cls: "ck-order", "aria-labelledby": ui.promptId, "aria-describedby": ui.helpId });
  const moved = h("div", { cls: "ck-sr-only", "aria-live": "polite" });

  function move(id, step, btn) {
    const from = order.indexOf(id);
    const to = from + step;
    if (to < 0 || to >= order.length) return;
    [order[from], order[to]] = [order[to], order[from]];
    layout();
    const [up, down] = rows[id].buttons;
    (btn.disabled ? (btn === up ? down : up) : btn).focus(); // moving a node drops its focus: restore it
    moved.textContent = `${plain(items[id].text)} moved to position ${to + 1} of ${order.length}.`;
    ui.edited();
  }
  for (const o of q.items) {
    const name = plain(o.text);
    const up = h("button", { type: "button", cls: "ck-move", "aria-label": `Move up: ${name}` }, "↑ Up");
    const down = h("button", { type: "button", cls: "ck-move", "aria-label": `Move down: ${name}` }, "↓ Down");
    up.addEventListener("click", () => move(o.id, -1, up));
    down.addEventListener("click", () => move(o.id, +1, down));
    const text = h("span", { cls: "ck-item-text", html: inline(o.text) });
    const li = h("li", { cls: "ck-item" }, h("div", { cls: "ck-row" }, text, up, down));
    rows[o.id] = { li, buttons: [up, down] };
  }
  function layout() {
    list.append(...order.map((id) => rows[id].li));
    order.forEach((id, i) => {
      rows[id].buttons[0].disabled = i === 0;
      rows[id].buttons[1].disabled = i === order.length - 1;
    });
  }
  function show(v) {
    const valid = Array.isArray(v) && v.length === order.length && v.every((id) => id in items);
    order = valid ? [...v] : q.items.map((o) => o.id);
    layout();
  }
  layout();
  const focus = () => rows[order[0]].buttons[1].focus();
  // A saved order that is not every item once (an older answers file) is shown as the items' order: say so.
  const incomplete = (v) =>
    Array.isArray(v) && [...v].sort().join("\n") !== Object.keys(items).sort().join("\n")
      ? "the saved order does not hold every item once; press Save this order to save the order shown"
      : "";
  return { node: h("div", {}, list, moved), show, draft: () => [...order], focus, incomplete };
}

function matching(q, ui) {
  const rights = Object.fromEntries(q.right.map((r) => [r.id, r]));
  const rows = q.left.map((l) => {
    const id = ui.id("match");
    const twice = h("span", { cls: "ck-twice", id: ui.id("twice") });
    const select = h(
      "select",
      { id, "data-left": l.id, "aria-describedby": twice.id, onchange: () => (mark(), ui.edited()) },
      h("option", { value: "" }, "Choose…"),
      ...q.right.map((r) => h("option", { value: r.id }, plain(r.text))),
    );
    // A select cannot wrap its text: where the choice does not fit, it is repeated in full below it.
    const chosen = h("span", { cls: "ck-chosen", "aria-hidden": "true" });
    return { label: h("label", { for: id, html: inline(l.text) }), select, chosen, twice };
  });
  const node = h(
    "div",
    { cls: "ck-matches", role: "group", "aria-labelledby": ui.promptId, "aria-describedby": ui.helpId },
    ...rows.map((r) => h("div", { cls: "ck-pair" }, r.label, r.select, r.chosen, r.twice)),
  );
  const uses = () => rows.reduce((n, r) => ((n[r.select.value] = (n[r.select.value] || 0) + 1), n), {});
  function mark() {
    const count = uses();
    for (const r of rows) {
      const value = r.select.value;
      r.chosen.innerHTML = value && !fits(r.select) ? `→ ${inline(rights[value].text)}` : "";
      r.twice.textContent = value && count[value] > 1 ? `Also chosen for another item (${count[value]} in all).` : "";
      r.select.parentNode?.classList.toggle("ck-dup", Boolean(r.twice.textContent));
    }
  }
  if (typeof ResizeObserver === "function") new ResizeObserver(() => mark()).observe(node);
  const show = (v) => (rows.forEach((r) => (r.select.value = (v && v[r.select.dataset.left]) || "")), mark());
  const draft = () => {
    const chosen = rows.filter((r) => r.select.value).map((r) => [r.select.dataset.left, r.select.value]);
    return chosen.length ? Object.fromEntries(chosen) : null;
  };
  const incomplete = (v) => {
    const done = v ? q.left.filter((l) => v[l.id]).length : 0;
    return v && done < q.left.length ? `${done} of ${q.left.length} items matched` : "";
  };
  const twice = () =>
    Object.entries(uses())
      .filter(([id, n]) => id && n > 1)
      .map(([id, n]) => `“${plain(rights[id].text)}” is chosen for ${n} items`);
  return { node, show, draft, incomplete, twice, focus: () => rows[0].select.focus() };
}

let measure = null;
/** Does the chosen option's text fit in its select (which shows one line, cut off)? */
function fits(select) {
  const text = select.selectedOptions[0]?.text || "";
  const room = select.clientWidth - 36; // the padding and the arrow
  if (room <= 0) return false;
  measure = measure || document.createElement("canvas").getContext("2d");
  if (!measure) return true;
  measure.font = getComputedStyle(select).font;
  return measure.measureText(text).width <= room;
}

const TYPES = { single, multiple, numeric, text, ordering, matching };
// One wording for every type: what to do, then how the answer is kept ([graded, practice]).
const HELP = {
  single: ["Select one answer.", "It is saved as soon as you select it.", ""],
  multiple: ["Select all that apply.", "Each change is saved at once.", "Then press Check."],
  numeric: ["Type a number.", "Press Enter or Save answer to save it.", "Press Enter or Check."],
  text: ["Type a short answer.", "Press Enter or Save answer to save it.", "Press Enter or Check."],
  ordering: [
    "Move the items into order with the Up and Down buttons.",
    "Each move is saved; if the order shown is already your answer, press Save this order.",
    "Then press Check.",
  ],
  matching: ["Choose a match for each item from its list.", "Each choice is saved at once.", "Then press Check."],
};
/** The help line, without a first sentence the prompt already says (e.g. "Select all that apply."). */
function helpText(q, graded) {
  const [first, saved, practice] = HELP[q.type];
  const said = plain(q.prompt || "").toLowerCase().includes(first.slice(0, -1).toLowerCase());
  return [said ? "" : first, graded ? saved : practice].filter(Boolean).join(" ");
}

// ---------- the shell: prompt, feedback / status, buttons, model sync ----------

const VERDICTS = {
  correct: ["✓", "Correct."],
  partial: ["◐", "Partly correct"],
  incorrect: ["✗", "Not correct."],
  invalid: ["⚠", "This answer cannot be checked."],
};

function feedbackNodes(q, result) {
  const [icon, label] = VERDICTS[result.verdict] || VERDICTS.invalid;
  const share = result.verdict === "partial" ? ` (${Math.round(result.fraction * 100)}% of the credit).` : "";
  return [
    h(
      "p",
      { cls: `ck-verdict ck-${result.verdict}` },
      h("span", { "aria-hidden": "true" }, icon),
      " ",
      h("strong", {}, label + share),
    ),
    q.explanation ? h("div", { cls: "ck-explanation", html: markdown(q.explanation) }) : null,
  ];
}

/** Call an optional model method; a missing or throwing one (MyST's static model) is not an error. */
function tryModel(model, method, ...args) {
  try {
    if (typeof model[method] === "function") model[method](...args);
  } catch {
    // nothing to sync without a kernel
  }
}

/** Ctrl/Cmd+S in a control saves the notebook, as anywhere else in JupyterLab and Notebook 7. Our controls tell
 *  Lumino to leave their keys alone (data-lm-suppress-shortcuts), so the keystroke is handed on from `host`, once
 *  `flush` has saved what is typed (the saved notebook then shows it). */
function saveShortcut(host, flush) {
  return (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey || (e.key || "").toLowerCase() !== "s" || e.defaultPrevented) return;
    if (!e.target.closest?.("[data-lm-suppress-shortcuts]")) return; // the notebook already sees this one
    e.preventDefault(); // no "Save page as" dialog
    const again = new KeyboardEvent("keydown", {
      key: e.key,
      code: e.code || "KeyS",
      ctrlKey: e.ctrlKey,
      metaKey: e.metaKey,
      shiftKey: e.shiftKey,
      bubbles: true,
      cancelable: true,
      composed: true,
    });
    Object.defineProperty(again, "keyCode", { get: () => 83 }); // Lumino's older layouts read keyCode
    flush().then(() => host.dispatchEvent(again));
  };
}

const KERNEL_SAVE_MS = 5000; // how long Ctrl+S waits for the kernel to save a typed answer before saving anyway

/** A promise that settles when the kernel says it saved an answer (`saves` moves), or after `ms`. */
function whenSaved(model, ms) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      tryModel(model, "off", "change:saves", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    tryModel(model, "on", "change:saves", done);
  });
}

/** The saved copy of a graded question (notebook/static_view.py) is for viewers where this widget cannot render.
 *  quiz.css hides it beside a live widget in JupyterLab and Notebook 7; elsewhere (VS Code) it is hidden here. */
function hideCopy(id) {
  const hide = () => {
    const copy = id && document.getElementById(`ck-copy-${id}`);
    if (copy) (copy.closest(".jp-OutputArea-child, .output_area") || copy).style.display = "none";
    return Boolean(copy);
  };
  if (id && !hide()) requestAnimationFrame(hide);
}

const STATES = { recorded: "●", unanswered: "○", incomplete: "◐", unsaved: "✎", problem: "⚠" };

/** [state, words] of a graded question: what is saved, or that what is on screen is not (yet). */
function gradedStatus(view, current, said) {
  const draft = view.typed ? view.draft() : current;
  if (!same(draft, current)) return ["unsaved", "Changed, not saved: press Enter to save it."];
  if (said.startsWith("Could not")) return ["problem", said]; // the kernel could not save: its words say why
  // The kernel's "recorded"/"cleared" lags a change by one round trip: until it catches up, say what is on screen.
  const kernelWords = /^Answer (recorded|cleared)/.test(said);
  const fits = said && (!kernelWords || (current === null) === said.startsWith("Answer cleared"));
  if (current === null) return ["unanswered", fits ? said : "Not answered yet."];
  const missing = view.incomplete?.(current);
  const twice = view.twice?.() || [];
  const check = twice.length ? ` ${twice.join("; ")}: that can be right; check it is what you meant.` : "";
  if (missing) return ["incomplete", `Incomplete: ${missing}. What you chose so far is saved.${check}`];
  return ["recorded", (fits ? said : "Answer recorded") + (check ? `.${check}` : "")];
}

function render({ model, el }) {
  const q = model.get("question") || {};
  const graded = model.get("mode") === "graded";
  const make = TYPES[q.type];
  if (!make) {
    el.append(h("p", { cls: "ck-quiz", role: "alert" }, `This question cannot be shown (unknown type “${q.type}”).`));
    return;
  }
  const ids = { promptId: uid("prompt"), helpId: uid("help") };
  const stored = () => model.get("value") ?? null;
  let current = stored();
  const feedback = h("div", { cls: "ck-feedback", role: "status" });
  const say = (...nodes) => feedback.replaceChildren(...nodes.filter(Boolean));
  const showStatus = () => {
    const [state, words] = gradedStatus(view, current, model.get("status") || "");
    if (feedback.firstChild?.dataset?.said === state + words) return; // each keystroke must not re-announce it
    const icon = h("span", { "aria-hidden": "true" }, `${STATES[state]} `);
    say(h("p", { cls: `ck-status ck-state-${state}`, "data-said": state + words }, icon, words));
  };
  const showResult = () => (current === null ? say() : say(...feedbackNodes(q, check(q, current))));
  const reflect = () => (graded ? showStatus() : showResult());

  let pending = Promise.resolve(); // the kernel saving the last change (Ctrl+S right after Enter waits for it)
  function commit(v) {
    current = v;
    if (graded) pending = whenSaved(model, KERNEL_SAVE_MS);
    if (typeof model.set === "function") model.set("value", v);
    // MyST's static site (@myst-theme/anywidget) has save_changes, off and send, but they THROW
    // ("not implemented yet"), and other hosts may lack them: feedback must never depend on them.
    tryModel(model, "save_changes");
    reflect();
    actions.sync();
  }
  const ui = {
    ...ids,
    id: uid,
    answer: (v) => commit(v), // a choice that is its own answer (single choice)
    edited(final = true) {
      if (graded) return final ? submit() : showStatus(); // typing: say at once that it is not saved yet
      if (current !== null && !same(view.draft(), current)) say(); // stale feedback would mislead
    },
    submit: () => submit(),
  };
  const view = make(q, ui);
  const warn = (text) =>
    say(h("p", { cls: "ck-verdict ck-invalid" }, h("span", { "aria-hidden": "true" }, "⚠ "), text));
  function submit() {
    const v = view.draft();
    if (v && v.problem) return warn(v.problem);
    if (!graded && (v === null || (Array.isArray(v) && !v.length))) return warn("Answer first, then press Check.");
    if (!graded || !same(v, current)) commit(v);
  }
  /** Before Ctrl+S: save a typed answer, and wait until the kernel has saved the last change (or KERNEL_SAVE_MS
   *  passed), so the saved notebook's copy and line show it. */
  function flush() {
    const v = view.typed ? view.draft() : current;
    if (v && v.problem) warn(v.problem); // the notebook is saved with the last answer
    else if (!same(v, current)) commit(v);
    return pending;
  }
  const reset = () => (view.show(null), commit(null), view.focus());
  const actions = buttons(q, graded, submit, reset, () => current, view);
  const root = shell(q, graded, ids, model.get("number"), view, actions, feedback);
  el.append(root);
  if (graded) root.addEventListener("keydown", saveShortcut(el, flush));
  if (graded) hideCopy(model.get("copy_id"));
  view.show(current);
  reflect();
  actions.sync();

  // Python setting `value` (or `status`) must look exactly like the student doing it.
  const onValue = () => {
    if (same(stored(), current)) return;
    current = stored();
    view.show(current);
    reflect();
    actions.sync();
  };
  const onStatus = () => graded && showStatus();
  tryModel(model, "on", "change:value", onValue);
  tryModel(model, "on", "change:status", onStatus);
  return () => {
    tryModel(model, "off", "change:value", onValue);
    tryModel(model, "off", "change:status", onStatus);
  };
}

/** The widget's frame: heading, prompt, help, the type's controls, buttons and the feedback / status line. */
function shell(q, graded, ids, number, view, actions, feedback) {
  const points = `${q.points ?? 1} ${q.points === 1 ? "point" : "points"}`;
  const meta = graded ? `${number ? `Question ${number}` : "Quiz question"} · ${points}` : "Self-check";
  return h(
    "div",
    { cls: `ck-quiz ck-${graded ? "graded" : "practice"}`, "data-type": q.type },
    h("p", { cls: "ck-meta" }, meta),
    h("div", { cls: "ck-prompt", id: ids.promptId, html: markdown(q.prompt) }),
    h("p", { cls: "ck-help", id: ids.helpId }, helpText(q, graded)),
    view.node,
    actions.node,
    feedback,
  );
}

/** Practice: Check and Try again. Graded: Save where a change is not saved by itself (a typed answer; an
 *  ordering nobody has moved yet, shown until a whole order is recorded), and Clear answer once one is recorded. */
function buttons(q, graded, submit, reset, saved, view) {
  const typed = q.type === "numeric" || q.type === "text";
  const needed = graded ? typed || q.type === "ordering" : q.type !== "single";
  const label = !graded ? "Check" : q.type === "ordering" ? "Save this order" : "Save answer";
  const main = needed ? h("button", { type: "button", cls: "ck-primary", onclick: submit }, label) : null;
  const again = h("button", { type: "button", onclick: reset }, graded ? "Clear answer" : "Try again");
  const node = h("div", { cls: "ck-actions" }, main, again);
  const sync = () => {
    const value = saved();
    again.hidden = value === null;
    // moves save it from now on; an unfinished saved order still needs the button
    if (main && graded && q.type === "ordering") main.hidden = value !== null && !view.incomplete(value);
  };
  return { node, sync };
}

export default { render };
