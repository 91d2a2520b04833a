// dateline web UI: search, annotated article, actor/dyad timeline, actors, stories.
//
// Plain JS, no build step. Served under a strict CSP (script-src 'self', no inline
// styles), so everything here is built with createElement/textContent: stored text is
// untrusted and never goes through innerHTML. Record offsets are Unicode code point
// offsets into article.text; they are mapped to UTF-16 indices before any slicing.
//
// Routes (hash based, so the back button works):
//   #/search?q=&from=&to=      search (or the latest articles when q is empty)
//   #/article/ID               one article with its annotated spans
//   #/timeline?actor=&with=&topic=
//   #/actors?q=
//   #/stories?q=               stories, the most recently active first
//   #/story/ID                 one story: its dates, actors, articles per day and summary
// Every route also takes as_of=YYYY-MM-DD, which is passed on to every API call.
'use strict';

(() => {
  const PAGE_SIZE = 20;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const QUAD_NAMES = {
    1: 'verbal cooperation',
    2: 'material cooperation',
    3: 'verbal conflict',
    4: 'material conflict',
  };
  const CAMEO_ROOTS = {
    '01': 'make public statement', '02': 'appeal', '03': 'express intent to cooperate',
    '04': 'consult', '05': 'engage in diplomatic cooperation', '06': 'engage in material cooperation',
    '07': 'provide aid', '08': 'yield', '09': 'investigate', '10': 'demand', '11': 'disapprove',
    '12': 'reject', '13': 'threaten', '14': 'protest', '15': 'exhibit force posture',
    '16': 'reduce relations', '17': 'coerce', '18': 'assault', '19': 'fight',
    '20': 'use unconventional mass violence',
  };
  const TOPICS = ['negotiation', 'relations']; // the server's timeline topics
  const POLARITY_NAMES = { '-1': 'refuses', 0: 'conditional / neutral', 1: 'open' };

  const state = {
    asOf: null, // raw as_of of the current route (passed to the API as given)
    firstDate: null, // from /api/health
    lastDate: null,
    sideActorsKey: null, // as_of + filter the side panel was last loaded for
  };
  let navSeq = 0;

  // ---------------------------------------------------------------- DOM helpers

  const $ = (id) => document.getElementById(id);

  /** Appends nodes, strings (as text nodes) and nested arrays of them; skips null/false. */
  function append(el, ...children) {
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      if (Array.isArray(c)) append(el, ...c);
      else if (c instanceof Node) el.appendChild(c);
      else el.appendChild(document.createTextNode(String(c)));
    }
    return el;
  }

  function setAttrs(el, attrs) {
    if (!attrs) return el;
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'text') el.textContent = String(v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    return el;
  }

  /** An HTML element; children are nodes or strings (always text nodes). */
  function h(tag, attrs, ...children) {
    return append(setAttrs(document.createElement(tag), attrs), ...children);
  }

  /** An SVG element. */
  function s(tag, attrs, ...children) {
    return append(setAttrs(document.createElementNS(SVG_NS, tag), attrs), ...children);
  }

  /** Smooth scrolling unless the user asked for less motion. */
  const scrollBehavior = () => (window.matchMedia && matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth');
  const arr = (x) => (Array.isArray(x) ? x : []);
  const str = (x) => (x === null || x === undefined ? '' : String(x));

  /** Only http(s) links leave the app; anything else (javascript:, data:) is dropped. */
  function safeExternalUrl(url) {
    if (typeof url !== 'string') return null;
    try {
      const u = new URL(url, location.href);
      return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
    } catch {
      return null;
    }
  }

  // ---------------------------------------------------------------- dates

  const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

  /** Days since 1970-01-01 for YYYY-MM-DD (or the date part of a date-time), else NaN. */
  function dayNumber(d) {
    const m = DATE_RE.exec(str(d).slice(0, 10));
    if (!m) return NaN;
    const t = Date.UTC(+m[1], +m[2] - 1, +m[3]);
    return t / 86400000;
  }

  function dayToDate(n) {
    return new Date(n * 86400000).toISOString().slice(0, 10);
  }

  const shortDate = (d) => str(d).slice(0, 10);

  // ---------------------------------------------------------------- routing

  function parseRoute() {
    const raw = location.hash.replace(/^#/, '') || '/search';
    const qi = raw.indexOf('?');
    const path = qi < 0 ? raw : raw.slice(0, qi);
    const params = new URLSearchParams(qi < 0 ? '' : raw.slice(qi + 1));
    return { path: path || '/search', params };
  }

  /** A hash link; keeps the current as_of unless params sets as_of itself. */
  function routeHref(path, params = {}) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v !== null && v !== undefined && v !== '') qs.set(k, String(v));
    }
    if (state.asOf && !('as_of' in params)) qs.set('as_of', state.asOf);
    const q = qs.toString();
    return '#' + path + (q ? '?' + q : '');
  }

  function go(path, params) {
    const target = routeHref(path, params);
    if (location.hash === target) render();
    else location.hash = target;
  }

  const articleHref = (id) => routeHref('/article/' + encodeURIComponent(id));
  const timelineHref = (actor, extra = {}) => routeHref('/timeline', { actor, ...extra });

  function actorLink(actorId, name, extraClass) {
    if (!actorId) return h('span', { class: 'actor-name' }, name || 'unknown');
    return h('a', {
      class: ['actor-link', extraClass],
      href: timelineHref(actorId),
      title: 'Timeline of ' + actorId,
      dataset: { actorId },
    }, name || actorId);
  }

  /** Actor names seen in any answer, so ids elsewhere can be shown by name. */
  const actorNames = new Map();
  function rememberName(id, name) {
    if (typeof id === 'string' && id && typeof name === 'string' && name) actorNames.set(id, name);
  }
  const nameOf = (id) => actorNames.get(id) || str(id);

  // ---------------------------------------------------------------- API

  class ApiError extends Error {
    constructor(status, message, parameter) {
      super(message);
      this.status = status;
      this.parameter = parameter || null;
    }
  }

  /** GET an API path; adds as_of when set (pass as_of: null to leave it out). */
  async function api(path, params = {}) {
    const url = new URL(path, location.origin);
    for (const [k, v] of Object.entries(params)) {
      if (v !== null && v !== undefined && v !== '') url.searchParams.set(k, String(v));
    }
    if (state.asOf && !('as_of' in params)) url.searchParams.set('as_of', state.asOf);
    let res;
    try {
      res = await fetch(url.pathname + url.search, { headers: { Accept: 'application/json' } });
    } catch (e) {
      throw new ApiError(0, 'cannot reach the server (' + e.message + ')');
    }
    const text = await res.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    if (!res.ok) {
      const msg = body && typeof body.error === 'string' ? body.error : 'HTTP ' + res.status + ' ' + res.statusText;
      const param = body && typeof body.parameter === 'string' ? body.parameter : null;
      throw new ApiError(res.status, msg, param);
    }
    if (body === null || typeof body !== 'object') throw new ApiError(res.status, 'the server did not answer with JSON');
    return body;
  }

  // ---------------------------------------------------------------- status, errors

  function setState(s) {
    document.body.dataset.state = s;
    $('status').textContent = s === 'loading' ? 'Loading…' : '';
  }

  function clearError() {
    const box = $('error');
    box.hidden = true;
    box.replaceChildren();
  }

  function showError(err) {
    const box = $('error');
    const parts = [];
    if (err instanceof ApiError) {
      if (err.status) parts.push(h('strong', { class: 'error-status' }, 'Error ' + err.status + ': '));
      else parts.push(h('strong', { class: 'error-status' }, 'Error: '));
      parts.push(h('span', { class: 'error-message' }, err.message));
      if (err.parameter) parts.push(h('span', { class: 'error-parameter' }, ' (parameter ', h('code', null, err.parameter), ')'));
    } else {
      parts.push(h('strong', { class: 'error-status' }, 'Error: '));
      parts.push(h('span', { class: 'error-message' }, err && err.message ? err.message : String(err)));
    }
    const close = h('button', { type: 'button', class: 'error-close', 'aria-label': 'Dismiss', onclick: clearError }, '×');
    box.replaceChildren(...parts, close);
    box.hidden = false;
  }

  // ---------------------------------------------------------------- as-of slider

  function initSlider() {
    const slider = $('as-of');
    slider.addEventListener('input', () => {
      $('as-of-label').textContent = sliderDate(+slider.value) || 'all dates';
    });
    slider.addEventListener('change', () => setAsOf(sliderDate(+slider.value)));
    $('as-of-clear').addEventListener('click', () => setAsOf(null));
  }

  /** The date a slider position means; the right end means "no as_of". */
  function sliderDate(v) {
    const first = dayNumber(state.firstDate);
    const last = dayNumber(state.lastDate);
    if (Number.isNaN(first) || Number.isNaN(last) || first + v >= last) return null;
    return dayToDate(first + v);
  }

  function setAsOf(date) {
    const { path, params } = parseRoute();
    if (date) params.set('as_of', date);
    else params.delete('as_of');
    const q = params.toString();
    const target = '#' + path + (q ? '?' + q : '');
    if (location.hash === target) render();
    else location.hash = target;
  }

  function syncSlider() {
    const slider = $('as-of');
    const label = $('as-of-label');
    const first = dayNumber(state.firstDate);
    const last = dayNumber(state.lastDate);
    const ready = !Number.isNaN(first) && !Number.isNaN(last) && last >= first;
    slider.disabled = !ready || last === first;
    slider.min = '0';
    slider.max = ready ? String(last - first) : '0';
    const at = dayNumber(state.asOf);
    if (ready && !Number.isNaN(at)) slider.value = String(Math.max(0, Math.min(last - first, at - first)));
    else slider.value = slider.max;
    label.textContent = state.asOf ? state.asOf : 'all dates';
    $('as-of-clear').hidden = !state.asOf;
    $('as-of-box').classList.toggle('active', Boolean(state.asOf));
    if (ready) slider.title = state.firstDate + ' … ' + state.lastDate + ' (right end: everything)';
  }

  async function loadHealth() {
    try {
      const hl = await api('/api/health', { as_of: null });
      state.firstDate = typeof hl.first_date === 'string' ? hl.first_date : null;
      state.lastDate = typeof hl.last_date === 'string' ? hl.last_date : null;
      const n = typeof hl.articles === 'number' ? hl.articles : '?';
      $('health').textContent = n + ' articles' + (state.firstDate ? ', ' + state.firstDate + ' – ' + state.lastDate : '');
    } catch (e) {
      $('health').textContent = 'server unavailable';
      showError(e);
    }
    syncSlider();
  }

  // ---------------------------------------------------------------- side panel: actors

  let sideCursor = null;

  function initSidePanel() {
    const input = $('actors-filter');
    let timer = null;
    $('actors-filter-form').addEventListener('submit', (e) => {
      e.preventDefault();
      loadSideActors(true);
    });
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => loadSideActors(true), 250);
    });
    $('actors-side-more').addEventListener('click', () => loadSideActors(false));
  }

  async function loadSideActors(reset) {
    const list = $('actors-side-list');
    const more = $('actors-side-more');
    const q = $('actors-filter').value.trim();
    const key = (state.asOf || '') + '|' + q;
    if (reset) {
      state.sideActorsKey = key;
      sideCursor = null;
    }
    try {
      const page = await api('/api/actors', { q, limit: 25, cursor: reset ? null : sideCursor });
      if (state.sideActorsKey !== key) return; // a newer load superseded this one
      arr(page.items).forEach((a) => rememberName(a.id, a.name));
      const items = arr(page.items).map((a) => h('li', null,
        actorLink(a.id, a.name, 'side'),
        h('span', { class: 'muted small' }, ' ' + str(a.kind) + (typeof a.mentions === 'number' ? ' · ' + a.mentions : '')),
      ));
      if (reset) list.replaceChildren(...items);
      else append(list, items);
      if (reset && items.length === 0) list.replaceChildren(h('li', { class: 'muted' }, 'No actors.'));
      sideCursor = page.next_cursor || null;
      more.hidden = !sideCursor;
    } catch (e) {
      list.replaceChildren(h('li', { class: 'muted' }, 'Actors unavailable: ' + e.message));
      more.hidden = true;
    }
  }

  // ---------------------------------------------------------------- render loop

  // An id from the URL's path: decoded, or as typed when it is not valid escaping.
  function decodedId(raw) {
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }

  async function render() {
    const seq = ++navSeq;
    const ctx = { alive: () => seq === navSeq };
    document.body.dataset.nav = String(seq); // lets tests wait for this render to settle
    const { path, params } = parseRoute();
    state.asOf = params.get('as_of') || null;
    clearError();
    setState('loading');
    syncSlider();
    const sideKey = (state.asOf || '') + '|' + $('actors-filter').value.trim();
    if (state.sideActorsKey !== sideKey) loadSideActors(true);

    const view = $('view');
    const root = h('div', { class: 'view-root' });
    view.replaceChildren(root);
    window.scrollTo(0, 0);
    let name = 'search';
    let article = null;
    let story = null;
    try {
      if (path === '/search' || path === '/') {
        await renderSearch(root, params, ctx);
      } else if ((article = /^\/article\/(.+)$/.exec(path))) {
        name = 'article';
        await renderArticle(root, decodedId(article[1]), ctx);
      } else if (path === '/timeline') {
        name = 'timeline';
        await renderTimeline(root, params, ctx);
      } else if (path === '/actors') {
        name = 'actors';
        await renderActors(root, params, ctx);
      } else if (path === '/stories') {
        name = 'stories';
        await renderStories(root, params, ctx);
      } else if ((story = /^\/story\/(.+)$/.exec(path))) {
        name = 'story';
        await renderStory(root, decodedId(story[1]), ctx);
      } else {
        name = 'unknown';
        append(root, h('h1', null, 'Page not found'), h('p', null, h('a', { href: routeHref('/search') }, 'Back to search')));
      }
      if (ctx.alive()) {
        document.body.dataset.view = name;
        setState('ready');
      }
    } catch (e) {
      if (ctx.alive()) {
        document.body.dataset.view = name;
        showError(e);
        setState('error');
      }
    }
    if (ctx.alive()) {
      const navName = name === 'story' ? 'stories' : name;
      for (const a of document.querySelectorAll('.nav a')) a.classList.toggle('current', a.id === 'nav-' + navName);
    }
  }

  // ---------------------------------------------------------------- search view

  /** Snippet text with « and » around matched terms → text nodes and <mark>s. */
  function snippetNodes(snippet) {
    const out = [];
    let buf = '';
    let inMark = false;
    const flush = () => {
      if (buf) out.push(inMark ? h('mark', null, buf) : document.createTextNode(buf));
      buf = '';
    };
    for (const ch of str(snippet)) {
      if (ch === '«' && !inMark) {
        flush();
        inMark = true;
      } else if (ch === '»' && inMark) {
        flush();
        inMark = false;
      } else {
        buf += ch;
      }
    }
    flush();
    return out;
  }

  function resultItem(item) {
    return h('li', { class: 'result', dataset: { id: str(item.id) } },
      h('div', { class: 'result-meta' },
        h('time', { class: 'date', datetime: shortDate(item.date) }, shortDate(item.date)),
        item.source ? h('span', { class: 'source' }, item.source) : null,
        item.lang && item.lang !== 'en' ? h('span', { class: 'badge' }, item.lang) : null,
        item.dup_of ? h('span', { class: 'dup' }, 'duplicate of ', h('a', { href: articleHref(item.dup_of) }, item.dup_of)) : null,
      ),
      h('a', { class: 'result-title', href: articleHref(item.id) }, item.title || '(untitled)'),
      item.snippet ? h('p', { class: 'snippet' }, snippetNodes(item.snippet)) : null,
    );
  }

  async function renderSearch(root, params, ctx) {
    const q = params.get('q') || '';
    const from = params.get('from') || '';
    const to = params.get('to') || '';
    document.title = q ? 'dateline — ' + q : 'dateline';

    const qInput = h('input', { type: 'search', id: 'q', name: 'q', placeholder: 'Search articles (e.g. talks)', 'aria-label': 'Search query', autocomplete: 'off' });
    qInput.value = q;
    const fromInput = h('input', { type: 'date', id: 'from', name: 'from', 'aria-label': 'From date' });
    fromInput.value = DATE_RE.test(from) ? from : '';
    const toInput = h('input', { type: 'date', id: 'to', name: 'to', 'aria-label': 'To date' });
    toInput.value = DATE_RE.test(to) ? to : '';
    const form = h('form', { class: 'search-form', id: 'search-form', role: 'search' },
      qInput,
      h('label', { class: 'date-label' }, 'from ', fromInput),
      h('label', { class: 'date-label' }, 'to ', toInput),
      h('button', { type: 'submit', id: 'search-button' }, 'Search'),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      go('/search', { q: qInput.value.trim(), from: fromInput.value, to: toInput.value });
    });

    const summary = h('p', { class: 'result-summary', id: 'result-summary' });
    const list = h('ol', { class: 'results', id: 'results' });
    const more = h('button', { type: 'button', class: 'more', id: 'more', hidden: true }, 'More');
    append(root, form, h('h1', { class: 'view-title' }, q ? 'Results for “' + q + '”' : 'Articles'), summary, list, more);
    if (!q) qInput.focus();

    let count = 0;
    let cursor = null;
    const load = async () => {
      const page = q
        ? await api('/api/search', { q, from, to, limit: PAGE_SIZE, cursor })
        : await api('/api/articles', { from, to, limit: PAGE_SIZE, cursor });
      if (!ctx.alive()) return;
      const items = arr(page.items);
      count += items.length;
      append(list, items.map(resultItem));
      cursor = page.next_cursor || null;
      more.hidden = !cursor;
      summary.textContent = (count === 0 ? 'No articles' : count + (cursor ? '+' : '') + (count === 1 ? ' article' : ' articles'))
        + (state.asOf ? ' published by ' + state.asOf : '') + '.';
      root.dataset.count = String(count);
    };
    more.addEventListener('click', async () => {
      more.disabled = true;
      try {
        await load();
      } catch (e) {
        if (ctx.alive()) showError(e);
      } finally {
        more.disabled = false;
      }
    });
    await load();
  }

  // ---------------------------------------------------------------- article view

  /** UTF-16 index of every code point offset 0..n (n = number of code points). */
  function codePointIndex(text) {
    const idx = [];
    let u = 0;
    for (const ch of text) {
      idx.push(u);
      u += ch.length;
    }
    idx.push(u);
    return idx;
  }

  function validSpan(span, n) {
    return span && Number.isInteger(span.start) && Number.isInteger(span.end)
      && span.start >= 0 && span.end <= n && span.start < span.end;
  }

  function fmtGoldstein(g) {
    if (typeof g !== 'number') return '';
    const v = Number.isInteger(g) ? String(g) : g.toFixed(1);
    return g > 0 ? '+' + v : v;
  }

  function eventCodeLabel(ev) {
    const root = str(ev.root) || str(ev.code).slice(0, 2);
    return str(ev.code) + (CAMEO_ROOTS[root] ? ' (' + CAMEO_ROOTS[root] + ')' : '');
  }

  function eventFlags(ev) {
    const f = [];
    if (ev.negated) f.push('negated');
    if (ev.hypothetical) f.push('hypothetical');
    return f;
  }

  async function renderArticle(root, id, ctx) {
    document.title = 'dateline — article';
    const data = await api('/api/articles/' + encodeURIComponent(id));
    if (!ctx.alive()) return;
    const a = data.article || {};
    const text = str(a.text);
    const cp = codePointIndex(text);
    const n = cp.length - 1;
    const slice = (sp) => text.slice(cp[sp.start], cp[sp.end]);
    document.title = 'dateline — ' + (a.title || a.id || 'article');

    // Records by key; marks are the highlighted spans, each pointing at a record.
    const records = new Map();
    const marks = [];
    let mismatched = 0;
    const addMark = (span, cls, key) => {
      if (!validSpan(span, n)) {
        if (span) mismatched++;
        return;
      }
      if (typeof span.text === 'string' && span.text !== slice(span)) mismatched++;
      marks.push({ start: span.start, end: span.end, cls, key });
    };

    const actorsHere = new Map(); // actor_id → name
    arr(data.mentions).forEach((m, i) => {
      const key = 'm' + i;
      const surface = m.span ? str(m.span.text) || (validSpan(m.span, n) ? slice(m.span) : '') : '';
      records.set(key, {
        kind: 'mention',
        title: str(m.label) + (m.actor_id ? ' · ' + m.actor_id : '') + (m.code ? ' · ' + m.code : ''),
        lines: [['mention', surface], ['label', m.label], ['actor', m.actor_id], ['code', m.code]],
        actorId: m.actor_id,
      });
      addMark(m.span, 'span-actor', key);
      if (m.actor_id && !actorsHere.has(m.actor_id)) actorsHere.set(m.actor_id, surface || m.actor_id);
    });

    const statements = arr(data.statements);
    statements.forEach((st, i) => {
      const key = 's' + i;
      const sp = st.speaker || {};
      records.set(key, {
        kind: 'statement',
        title: 'statement (' + str(st.kind) + ') by ' + (sp.name || 'unknown') + (sp.actor_id ? ' · ' + sp.actor_id : ''),
        lines: [
          ['statement', st.kind],
          ['speaker', (sp.name || 'unknown') + (sp.anonymous ? ' (anonymous)' : '')],
          ['actor', sp.actor_id],
          ['resolved from', sp.resolved_from],
          ['description', sp.description],
          ['cue', st.cue && st.cue.text],
          ['via', st.via && st.via.name],
          ['said on', st.said_on],
        ],
        actorId: sp.actor_id,
      });
      if (sp.span) addMark(sp.span, 'span-speaker', key);
      addMark(st.cue, 'span-cue', key);
      addMark(st.content, 'span-content', key);
      if (sp.actor_id && !actorsHere.has(sp.actor_id)) actorsHere.set(sp.actor_id, sp.name || sp.actor_id);
    });

    const events = arr(data.events);
    events.forEach((ev, i) => {
      const key = 'e' + i;
      const src = ev.source || {};
      const tgt = ev.target || null;
      const flags = eventFlags(ev);
      records.set(key, {
        kind: 'event',
        title: 'event ' + str(ev.code) + ': ' + str(src.code || '?') + ' → ' + (tgt ? str(tgt.code || '?') : '–')
          + ', Goldstein ' + fmtGoldstein(ev.goldstein) + (flags.length ? ', ' + flags.join(', ') : ''),
        lines: [
          ['event', eventCodeLabel(ev)],
          ['source', str(src.code) + (src.actor_id ? ' (' + src.actor_id + ')' : '')],
          ['target', tgt ? str(tgt.code) + (tgt.actor_id ? ' (' + tgt.actor_id + ')' : '') : null],
          ['Goldstein', fmtGoldstein(ev.goldstein)],
          ['quad class', ev.quad_class ? ev.quad_class + ' ' + (QUAD_NAMES[ev.quad_class] || '') : null],
          ['PLOVER', ev.plover],
          ['happened', ev.event_date],
          ['flags', flags.join(', ')],
          ['confidence', typeof ev.confidence === 'number' ? ev.confidence.toFixed(2) : ev.confidence],
        ],
      });
      addMark(ev.evidence, 'span-event', key);
      arr(ev.conditions).forEach((c) => addMark(c, 'span-condition', key));
    });

    // Header.
    const url = safeExternalUrl(a.url);
    append(root,
      h('p', { class: 'crumbs' }, h('a', { href: routeHref('/search') }, '← search')),
      h('h1', { class: 'article-title', id: 'article-title' }, a.title || '(untitled)'),
      h('div', { class: 'article-meta' },
        h('time', { class: 'date', datetime: shortDate(a.date) }, shortDate(a.date)),
        a.source ? h('span', { class: 'source' }, a.source) : null,
        a.lang ? h('span', { class: 'badge' }, a.lang) : null,
        url ? h('a', { class: 'external', href: url, rel: 'noopener noreferrer nofollow', target: '_blank' }, 'original') : null,
        a.dup_of ? h('span', { class: 'dup' }, 'duplicate of ', h('a', { href: articleHref(a.dup_of) }, a.dup_of)) : null,
        h('span', { class: 'muted' }, 'id ' + str(a.id)),
      ),
    );
    if (actorsHere.size) {
      append(root, h('p', { class: 'article-actors' }, h('span', { class: 'muted' }, 'Actors: '),
        [...actorsHere].map(([aid, name], i) => [i ? ', ' : '', actorLink(aid, name, 'needs-name')])));
    }
    if (mismatched) {
      append(root, h('p', { class: 'warning' }, mismatched + ' span(s) did not match the article text and are shown as best effort or left out.'));
    }

    // Legend with layer toggles.
    const textBox = h('div', { class: 'article-text', id: 'article-text' });
    const layers = [
      ['actor', 'span-actor', 'actor mentions'],
      ['speaker', 'span-speaker', 'speakers'],
      ['cue', 'span-cue', 'cue verbs'],
      ['content', 'span-content', 'quoted content'],
      ['event', 'span-event', 'event evidence'],
      ['condition', 'span-condition', 'conditions'],
    ];
    const legend = h('div', { class: 'legend', id: 'legend' }, layers.map(([layer, cls, label]) => {
      const box = h('input', { type: 'checkbox', checked: true, dataset: { layer } });
      box.addEventListener('change', () => textBox.classList.toggle('hide-' + layer, !box.checked));
      return h('label', { class: 'legend-item' }, box, h('span', { class: cls }, label));
    }));

    // Text split at every span boundary; each piece carries all covering spans.
    const bounds = new Set([0, n]);
    for (const m of marks) {
      bounds.add(m.start);
      bounds.add(m.end);
    }
    const cuts = [...bounds].sort((x, y) => x - y);
    for (let i = 0; i + 1 < cuts.length; i++) {
      const b0 = cuts[i];
      const b1 = cuts[i + 1];
      const piece = text.slice(cp[b0], cp[b1]);
      const covering = marks.filter((m) => m.start <= b0 && m.end >= b1);
      if (!covering.length) {
        textBox.appendChild(document.createTextNode(piece));
        continue;
      }
      const classes = new Set(['piece']);
      const keys = [];
      const layerKeys = new Set(); // "span-content:s1": which record gives which class
      for (const m of covering) {
        classes.add(m.cls);
        layerKeys.add(m.cls + ':' + m.key);
        if (!keys.includes(m.key)) keys.push(m.key);
      }
      textBox.appendChild(h('span', {
        class: [...classes].join(' '),
        dataset: { refs: keys.join(' '), marks: [...layerKeys].join(' ') },
        title: keys.map((k) => records.get(k).title).join('\n'),
      }, piece));
    }

    // Hover / click detail panel.
    const detail = h('aside', { class: 'span-detail', id: 'span-detail', 'aria-live': 'polite' },
      h('p', { class: 'muted' }, 'Point at a highlighted span for its details.'));
    const showDetail = (el) => {
      const keys = str(el.dataset.refs).split(' ').filter((k) => records.has(k));
      if (!keys.length) return;
      detail.replaceChildren(...keys.map((k) => {
        const r = records.get(k);
        return h('div', { class: 'detail-card detail-' + r.kind },
          h('dl', null, r.lines.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([dt, dd]) => [h('dt', null, dt), h('dd', null, String(dd))])),
          r.actorId ? h('p', null, actorLink(r.actorId, 'timeline of ' + r.actorId)) : null,
        );
      }));
    };
    textBox.addEventListener('mouseover', (e) => {
      const el = e.target.closest && e.target.closest('.piece');
      if (el) showDetail(el);
    });
    textBox.addEventListener('click', (e) => {
      const el = e.target.closest && e.target.closest('.piece');
      if (el) showDetail(el);
    });

    append(root, legend, h('div', { class: 'article-body' }, textBox, detail));

    const flash = (key) => {
      const els = textBox.querySelectorAll('[data-refs~="' + key + '"]');
      if (!els.length) return;
      els[0].scrollIntoView({ block: 'center', behavior: scrollBehavior() });
      for (const el of els) {
        el.classList.remove('flash');
        void el.offsetWidth; // restart the animation
        el.classList.add('flash');
      }
      showDetail(els[0]);
      setTimeout(() => els.forEach((el) => el.classList.remove('flash')), 1600);
    };
    const clickable = (key) => ({
      tabindex: '0',
      role: 'button',
      dataset: { ref: key },
      onclick: (e) => {
        if (!e.target.closest('a')) flash(key);
      },
      onkeydown: (e) => {
        if ((e.key === 'Enter' || e.key === ' ') && !e.target.closest('a')) {
          e.preventDefault();
          flash(key);
        }
      },
    });

    // Statements.
    const stList = h('ul', { class: 'record-list', id: 'statement-list' }, statements.map((st, i) => {
      const sp = st.speaker || {};
      return h('li', { class: 'statement-item', ...clickable('s' + i) },
        h('div', { class: 'record-head' },
          actorLink(sp.actor_id, sp.name || 'unknown speaker'),
          sp.anonymous ? h('span', { class: 'badge warn' }, 'anonymous') : null,
          sp.description && sp.description !== sp.name ? h('span', { class: 'muted' }, sp.description) : null,
          h('span', { class: 'badge kind-' + str(st.kind) }, str(st.kind)),
          st.cue && st.cue.text ? h('span', { class: 'muted' }, '“' + st.cue.text + '”') : null,
          st.via ? h('span', { class: 'via' }, 'via ', actorLink(st.via.actor_id, st.via.name)) : null,
          st.said_on && st.said_on !== shortDate(st.date) ? h('span', { class: 'muted' }, 'said on ' + st.said_on) : null,
        ),
        h('blockquote', { class: 'record-content' }, st.content ? str(st.content.text) || (validSpan(st.content, n) ? slice(st.content) : '') : ''),
        arr(st.about).length ? h('div', { class: 'about muted' }, 'about: ', arr(st.about).map((aid, j) => [j ? ', ' : '', actorLink(aid, actorsHere.get(aid) || aid, 'needs-name')])) : null,
      );
    }));

    // Events.
    const evList = h('ul', { class: 'record-list', id: 'event-list' }, events.map((ev, i) => {
      const src = ev.source || {};
      const tgt = ev.target || null;
      return h('li', { class: 'event-item', ...clickable('e' + i) },
        h('div', { class: 'record-head' },
          h('span', { class: 'code-badge q' + str(ev.quad_class), title: QUAD_NAMES[ev.quad_class] || '' }, str(ev.code)),
          h('span', { class: 'muted' }, CAMEO_ROOTS[str(ev.root)] || ''),
          h('span', { class: 'dyad' },
            actorLink(src.actor_id, src.code || (src.span && src.span.text) || '?'),
            ' → ',
            tgt ? actorLink(tgt.actor_id, tgt.code || (tgt.span && tgt.span.text) || '?') : h('span', { class: 'muted' }, 'no target')),
          h('span', { class: 'goldstein' }, 'Goldstein ' + fmtGoldstein(ev.goldstein)),
          eventFlags(ev).map((f) => h('span', { class: 'badge warn' }, f)),
          ev.plover ? h('span', { class: 'badge' }, ev.plover) : null,
          ev.event_date && ev.event_date !== shortDate(ev.date) ? h('span', { class: 'muted' }, 'on ' + ev.event_date) : null,
        ),
        h('blockquote', { class: 'record-content' }, ev.evidence ? str(ev.evidence.text) : ''),
        arr(ev.conditions).length ? h('div', { class: 'conditions' }, 'conditions: ', arr(ev.conditions).map((c, j) => [j ? '; ' : '', h('q', null, str(c.text))])) : null,
      );
    }));

    append(root,
      h('section', { class: 'records' },
        h('h2', null, 'Statements (' + statements.length + ')'),
        statements.length ? stList : h('p', { class: 'muted' }, 'No statements.'),
        h('h2', null, 'Events (' + events.length + ')'),
        events.length ? evList : h('p', { class: 'muted' }, 'No events.'),
      ),
    );
    if (a.meta && typeof a.meta === 'object' && Object.keys(a.meta).length) {
      append(root, h('details', { class: 'meta' }, h('summary', null, 'meta'), h('pre', null, JSON.stringify(a.meta, null, 2))));
    }
    await nameActors(root, [...actorsHere.keys()], ctx);
  }

  /**
   * Links made from a mention's surface text ("STRENHOLT", "she") get the actor's
   * registry name. Best effort: a failed look-up keeps the surface text.
   */
  async function nameActors(root, ids, ctx) {
    await Promise.all(ids.slice(0, 40).map(async (id) => {
      try {
        const actor = await api('/api/actors/' + encodeURIComponent(id));
        rememberName(id, actor.name);
        if (!ctx.alive() || typeof actor.name !== 'string' || !actor.name) return;
        for (const link of root.querySelectorAll('a.needs-name')) {
          if (link.dataset.actorId === id) link.textContent = actor.name;
        }
      } catch {
        // keep the surface text
      }
    }));
  }

  // ---------------------------------------------------------------- timeline view

  function chartScale(entries, stances) {
    const days = [];
    for (const e of entries) days.push(dayNumber(e.date));
    for (const st of stances) days.push(dayNumber(st.date));
    let ok = days.filter((d) => !Number.isNaN(d));
    // Nothing dated: span the store's dates (up to as_of) so the axes still mean something.
    if (!ok.length) ok = [dayNumber(state.firstDate), dayNumber(state.asOf || state.lastDate)].filter((d) => !Number.isNaN(d));
    if (!ok.length) return { lo: NaN, hi: NaN };
    const lo = Math.min(...ok);
    const hi = Math.max(...ok);
    const pad = Math.max(1, Math.round((hi - lo) * 0.03)); // keeps edge dots off the axes
    return { lo: lo - pad, hi: hi + pad };
  }

  const CHART = { w: 900, left: 58, right: 40 };

  function xOf(scale, date) {
    const d = dayNumber(date);
    return CHART.left + ((d - scale.lo) / (scale.hi - scale.lo)) * (CHART.w - CHART.left - CHART.right);
  }

  function xTicks(svg, scale, y, height) {
    if (Number.isNaN(scale.lo)) return;
    const span = scale.hi - scale.lo;
    const count = Math.min(6, Math.max(2, span));
    for (let i = 0; i <= count; i++) {
      const d = dayToDate(Math.round(scale.lo + (span * i) / count));
      const x = xOf(scale, d);
      append(svg,
        s('line', { class: 'grid', x1: x, x2: x, y1: y - height, y2: y }),
        s('text', { class: 'tick', x, y: y + 16, 'text-anchor': i === 0 ? 'start' : i === count ? 'end' : 'middle' }, d),
      );
    }
  }

  function eventChart(entries, scale, onPick) {
    const H = 300;
    const top = 24;
    const bottom = 30;
    const yOf = (g) => top + ((10 - g) / 20) * (H - top - bottom);
    const svg = s('svg', { id: 'timeline-chart', class: 'chart', viewBox: '0 0 ' + CHART.w + ' ' + H, role: 'img', 'aria-label': 'Events over time by Goldstein value' });
    for (const g of [-10, -5, 5, 10]) {
      append(svg,
        s('line', { class: 'grid', x1: CHART.left, x2: CHART.w - CHART.right, y1: yOf(g), y2: yOf(g) }),
        s('text', { class: 'tick', x: CHART.left - 6, y: yOf(g) + 4, 'text-anchor': 'end' }, (g > 0 ? '+' : '') + g));
    }
    xTicks(svg, scale, H - bottom, H - top - bottom);
    append(svg,
      s('line', { class: 'zero-line', x1: CHART.left, x2: CHART.w - CHART.right, y1: yOf(0), y2: yOf(0) }),
      s('text', { class: 'tick', x: CHART.left - 6, y: yOf(0) + 4, 'text-anchor': 'end' }, '0'),
      s('text', { class: 'axis-label', x: 4, y: 12 }, 'Goldstein'),
    );
    const seen = new Map();
    let dots = 0;
    entries.forEach((e, i) => {
      if (e.kind !== 'event' || typeof e.goldstein !== 'number' || Number.isNaN(dayNumber(e.date))) return;
      const g = Math.max(-10, Math.min(10, e.goldstein));
      const k = shortDate(e.date) + '|' + g;
      const dup = seen.get(k) || 0;
      seen.set(k, dup + 1);
      const jitter = dup === 0 ? 0 : (dup % 2 ? 1 : -1) * Math.ceil(dup / 2) * 5;
      const flags = eventFlags(e);
      const dot = s('circle', {
        class: ['event-dot', 'q' + str(e.quad_class), e.negated && 'negated', e.hypothetical && 'hypothetical'],
        cx: (xOf(scale, e.date) + jitter).toFixed(1),
        cy: yOf(g).toFixed(1),
        r: 6,
        tabindex: '0',
        dataset: { entry: String(i) },
      }, s('title', null, shortDate(e.date) + ' · ' + str(e.code) + ' · Goldstein ' + fmtGoldstein(e.goldstein)
        + (e.quad_class ? ' · ' + (QUAD_NAMES[e.quad_class] || '') : '') + (flags.length ? ' · ' + flags.join(', ') : '')
        + '\n' + str(e.summary)));
      dot.addEventListener('click', () => onPick(i));
      dot.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter') onPick(i);
      });
      svg.appendChild(dot);
      dots++;
    });
    if (!dots) append(svg, s('text', { class: 'empty-note', x: CHART.w / 2, y: yOf(0) - 10, 'text-anchor': 'middle' }, 'No coded events in this timeline.'));
    return svg;
  }

  const MAX_LANES = 12;

  /**
   * The stance track: one lane per (actor, topic, counterpart), the actor's own lanes
   * first. Within a lane the line steps between three levels (open, conditional,
   * refuses); a ring and a dashed line mark a shift from the lane's previous polarity.
   */
  function stanceTrack(stances, scale, mainId) {
    const laneH = 44;
    const top = 6;
    const bottom = 28;
    const lanes = new Map();
    for (const st of stances) {
      if (Number.isNaN(dayNumber(st.date)) || ![-1, 0, 1].includes(st.polarity)) continue;
      const key = str(st.actor_id) + '|' + str(st.topic) + '|' + str(st.target_actor_id);
      if (!lanes.has(key)) lanes.set(key, []);
      lanes.get(key).push(st);
    }
    const ordered = [...lanes.values()].sort((a, b) =>
      (b[0].actor_id === mainId) - (a[0].actor_id === mainId) || b.length - a.length);
    const shown = ordered.slice(0, MAX_LANES);
    const H = top + Math.max(1, shown.length) * laneH + bottom;
    const svg = s('svg', { id: 'stance-track', class: 'chart stance', viewBox: '0 0 ' + CHART.w + ' ' + H, role: 'img', 'aria-label': 'Stance over time' });
    xTicks(svg, scale, H - bottom, H - bottom - top);
    const laneName = (st) => nameOf(st.actor_id) + ' · ' + (str(st.topic) || 'stance') + (st.target_actor_id ? ' → ' + nameOf(st.target_actor_id) : '');

    shown.forEach((points, li) => {
      const y0 = top + li * laneH;
      const yOf = (p) => y0 + 20 + (1 - p) * 9; // open, conditional, refuses
      points.sort((p, q) => dayNumber(p.date) - dayNumber(q.date));
      const g = s('g', { class: 'stance-lane' });
      append(g,
        s('rect', { class: 'lane-bg lane-' + (li % 2), x: CHART.left, y: y0, width: CHART.w - CHART.left - CHART.right, height: laneH - 2 }),
        s('text', { class: 'lane-label', x: CHART.left + 4, y: y0 + 11 }, laneName(points[0])),
        s('text', { class: 'tick', x: CHART.left - 6, y: yOf(1) + 3, 'text-anchor': 'end' }, 'open'),
        s('text', { class: 'tick', x: CHART.left - 6, y: yOf(-1) + 3, 'text-anchor': 'end' }, 'refuses'),
      );
      let d = '';
      points.forEach((p, j) => {
        const x = xOf(scale, p.date).toFixed(1);
        const y = yOf(p.polarity).toFixed(1);
        d += j === 0 ? 'M' + x + ' ' + y : 'H' + x + 'V' + y;
      });
      g.appendChild(s('path', { class: 'stance-line', d }));
      points.forEach((p, j) => {
        const x = xOf(scale, p.date);
        const y = yOf(p.polarity);
        const conds = arr(p.conditions).map((c) => str(c.text)).filter(Boolean);
        const label = shortDate(p.date) + ': ' + laneName(p) + ' — ' + POLARITY_NAMES[p.polarity]
          + (conds.length ? '\nconditions: ' + conds.join('; ') : '');
        if (j > 0 && points[j - 1].polarity !== p.polarity) {
          append(g,
            s('line', { class: 'stance-shift shift-line', x1: x, x2: x, y1: y0 + 14, y2: y0 + laneH - 4 }),
            s('circle', { class: 'stance-shift shift-ring', cx: x.toFixed(1), cy: y.toFixed(1), r: 7.5 },
              s('title', null, 'shift: ' + POLARITY_NAMES[points[j - 1].polarity] + ' → ' + POLARITY_NAMES[p.polarity] + '\n' + label)));
        }
        g.appendChild(s('circle', { class: 'stance-point pol' + p.polarity, cx: x.toFixed(1), cy: y.toFixed(1), r: 4.5 }, s('title', null, label)));
      });
      svg.appendChild(g);
    });
    if (!shown.length) append(svg, s('text', { class: 'empty-note', x: CHART.w / 2, y: top + laneH / 2 + 4, 'text-anchor': 'middle' }, 'No stance records.'));
    const legend = [
      h('span', { class: 'legend-item' }, h('span', { class: 'swatch pol1' }), 'open'),
      h('span', { class: 'legend-item' }, h('span', { class: 'swatch pol0' }), 'conditional / neutral'),
      h('span', { class: 'legend-item' }, h('span', { class: 'swatch pol-1' }), 'refuses'),
      h('span', { class: 'legend-item muted' }, h('span', { class: 'swatch ringed' }), 'shift'),
      ordered.length > shown.length ? h('span', { class: 'legend-item muted' }, (ordered.length - shown.length) + ' more lanes not shown') : null,
    ];
    return { svg, legend };
  }

  function entryItem(e, i) {
    const flags = eventFlags(e);
    const conds = arr(e.conditions).map((c) => str(c && c.text)).filter(Boolean);
    const outlets = typeof e.outlets === 'number' ? e.outlets : null;
    const stance = e.stance && typeof e.stance === 'object' ? e.stance : null;
    const evidence = e.evidence && e.evidence.text ? str(e.evidence.text) : '';
    const others = arr(e.reports).filter((id) => typeof id === 'string' && id !== e.article_id);
    return h('li', { class: ['timeline-entry', 'kind-' + str(e.kind), stance && stance.shift && 'entry-shift'], id: 'entry-' + i, dataset: { kind: str(e.kind) } },
      h('div', { class: 'entry-date' },
        h('time', { datetime: shortDate(e.date) }, shortDate(e.date)),
        e.article_date && shortDate(e.article_date) !== shortDate(e.date) ? h('span', { class: 'muted small' }, 'reported ' + shortDate(e.article_date)) : null),
      h('div', { class: 'entry-body' },
        h('div', { class: 'record-head' },
          h('span', { class: 'badge kind' }, str(e.kind)),
          e.kind === 'event' && e.code ? h('span', { class: 'code-badge q' + str(e.quad_class), title: QUAD_NAMES[e.quad_class] || '' }, str(e.code)) : null,
          typeof e.goldstein === 'number' ? h('span', { class: 'goldstein' }, fmtGoldstein(e.goldstein)) : null,
          flags.map((f) => h('span', { class: 'badge warn' }, f)),
          stance ? h('span', { class: 'badge stance pol' + stance.polarity }, 'stance' + (stance.topic ? ' on ' + stance.topic : '') + ': ' + (POLARITY_NAMES[stance.polarity] || '?') + (stance.shift ? ' (shift)' : '')) : null,
        ),
        h('p', { class: 'entry-summary' }, str(e.summary)),
        evidence && evidence !== str(e.summary) ? h('blockquote', { class: 'record-content' }, evidence.length > 400 ? evidence.slice(0, 400) + '…' : evidence) : null,
        conds.length ? h('div', { class: 'conditions' }, 'conditions: ', conds.map((c, j) => [j ? '; ' : '', h('q', null, c)])) : null,
        h('div', { class: 'entry-source' },
          e.article_id ? h('a', { href: articleHref(e.article_id), class: 'entry-article' }, e.title || e.article_id) : null,
          e.source ? h('span', { class: 'source' }, e.source) : null,
          outlets !== null ? h('span', { class: 'outlets', title: 'independent outlets that reported the same thing' }, 'reported by ' + outlets + (outlets === 1 ? ' outlet' : ' outlets')) : null,
          others.length ? h('span', { class: 'reports muted' }, 'also in: ', others.map((id, j) => [j ? ', ' : '', h('a', { href: articleHref(id) }, String(j + 1))])) : null,
        ),
      ),
    );
  }

  async function renderTimeline(root, params, ctx) {
    const actor = params.get('actor') || '';
    const withA = params.get('with') || '';
    const topic = params.get('topic') || '';
    document.title = 'dateline — timeline';

    const withInput = h('input', { type: 'text', id: 'timeline-with', placeholder: 'with actor (id, code or name)', 'aria-label': 'With actor' });
    withInput.value = withA;
    const topicInput = h('select', { id: 'timeline-topic', 'aria-label': 'Topic' },
      h('option', { value: '' }, 'all topics'),
      TOPICS.map((t) => h('option', { value: t }, t)),
      topic && !TOPICS.includes(topic) ? h('option', { value: topic }, topic) : null);
    topicInput.value = topic;
    const actorInput = h('input', { type: 'text', id: 'timeline-actor', placeholder: 'actor (id, code or name)', 'aria-label': 'Actor', required: true });
    actorInput.value = actor;
    const form = h('form', { class: 'timeline-form', id: 'timeline-form' },
      actorInput, withInput, topicInput, h('button', { type: 'submit' }, 'Show'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      go('/timeline', { actor: actorInput.value.trim(), with: withInput.value.trim(), topic: topicInput.value.trim() });
    });

    if (!actor) {
      append(root, h('h1', { class: 'view-title' }, 'Timeline'), form, h('p', { class: 'muted' }, 'Pick an actor from the list, or type an id, CAMEO code or name.'));
      return;
    }
    const data = await api('/api/timeline', { actor, with: withA, topic });
    if (!ctx.alive()) return;
    const me = data.actor || {};
    const other = data.with || null;
    const entries = arr(data.entries);
    const stances = arr(data.stances);
    document.title = 'dateline — ' + (me.name || me.id || actor);

    rememberName(me.id, me.name);
    if (other) rememberName(other.id, other.name);

    const title = h('h1', { class: 'view-title', id: 'timeline-title' },
      'Timeline: ', h('span', { class: 'actor-name' }, me.name || me.id || actor),
      other ? [' with ', h('a', { href: timelineHref(other.id), class: 'actor-link' }, other.name || other.id)] : null,
      data.topic ? h('span', { class: 'badge topic' }, 'topic: ' + data.topic) : null,
    );
    const about = h('div', { class: 'actor-about', id: 'actor-about' });
    const counts = h('p', { class: 'muted' },
      entries.length + (entries.length === 1 ? ' entry' : ' entries') + ', '
      + entries.filter((e) => e.kind === 'event').length + ' events, '
      + entries.filter((e) => e.kind === 'statement').length + ' statements, '
      + stances.length + ' stance records' + (state.asOf ? ', as of ' + state.asOf : '') + '.',
      data.truncated ? h('span', { class: 'warning' }, ' Too many records: only the oldest are shown; narrow it with a counterpart or a topic.') : null);

    const list = h('ol', { class: 'timeline-entries', id: 'timeline-entries' }, entries.map(entryItem));
    const pick = (i) => {
      const li = list.querySelector('#entry-' + i);
      if (!li) return;
      li.scrollIntoView({ block: 'center', behavior: scrollBehavior() });
      li.classList.remove('flash');
      void li.offsetWidth;
      li.classList.add('flash');
      setTimeout(() => li.classList.remove('flash'), 1600);
    };
    const scale = chartScale(entries, stances);
    const track = stanceTrack(stances, scale, me.id);
    const quadLegend = h('div', { class: 'legend' }, [1, 2, 3, 4].map((q) =>
      h('span', { class: 'legend-item' }, h('span', { class: 'swatch q' + q }), QUAD_NAMES[q])),
    h('span', { class: 'legend-item muted' }, h('span', { class: 'swatch hollow' }), 'hypothetical'),
    h('span', { class: 'legend-item muted' }, h('span', { class: 'swatch ringed' }), 'negated'));

    append(root,
      title, about, form, counts,
      h('section', { class: 'chart-box' }, h('h2', null, 'Events by Goldstein value'), quadLegend, eventChart(entries, scale, pick)),
      h('section', { class: 'chart-box' }, h('h2', null, 'Stance'), track.svg, h('div', { class: 'legend' }, track.legend)),
      h('section', null, h('h2', null, 'Entries'), entries.length ? list : h('p', { class: 'muted' }, 'Nothing recorded for this actor' + (state.asOf ? ' as of ' + state.asOf : '') + '.')),
    );

    // Aliases and roles: nice to have, not worth an error box when missing.
    if (me.id) {
      try {
        const det = await api('/api/actors/' + encodeURIComponent(me.id));
        if (!ctx.alive()) return;
        const aliases = arr(det.aliases).filter((x) => typeof x === 'string');
        const codes = arr(det.codes);
        append(about,
          det.kind ? h('span', { class: 'badge' }, str(det.kind)) : null,
          codes.length ? h('span', { class: 'codes' }, 'codes: ', codes.map((c, j) => [j ? ', ' : '', h('code', null, str(c.code)), c.from || c.to ? ' (' + str(c.from || '…') + ' – ' + str(c.to || '…') + ')' : ''])) : null,
          aliases.length ? h('span', { class: 'aliases muted' }, 'also: ' + aliases.slice(0, 12).join(', ') + (aliases.length > 12 ? ', …' : '')) : null,
        );
      } catch {
        // The timeline itself is shown; details are optional.
      }
    }
  }

  // ---------------------------------------------------------------- stories

  const storyHref = (id) => routeHref('/story/' + encodeURIComponent(id));
  const plural = (n, one, many) => n + ' ' + (n === 1 ? one : many);

  /** "2031-03-02 – 2031-04-11", or one date when the story lives on one day. */
  function dateSpan(first, last) {
    const a = shortDate(first);
    const b = shortDate(last);
    return h('span', { class: 'story-dates' },
      h('time', { datetime: a }, a),
      b && b !== a ? [' – ', h('time', { datetime: b }, b)] : null);
  }

  /** A story's top actors ([[actor_id, articles], ...]) as timeline links. */
  function storyActors(actors, max) {
    const list = arr(actors).filter((p) => Array.isArray(p) && typeof p[0] === 'string' && p[0]).slice(0, max);
    if (!list.length) return null;
    return h('span', { class: 'story-actors' }, list.map(([aid, n], i) => [
      i ? ', ' : '',
      actorLink(aid, nameOf(aid), 'needs-name'),
      typeof n === 'number' ? h('span', { class: 'muted small', title: plural(n, 'article mentions', 'articles mention') + ' this actor' }, ' ' + n) : null,
    ]));
  }

  const storyActorIds = (stories) => [...new Set(stories.flatMap((st) => arr(st.actors).map((p) => Array.isArray(p) ? p[0] : null))
    .filter((aid) => typeof aid === 'string' && aid && !actorNames.has(aid)))];

  function storyItem(st) {
    const n = typeof st.articles === 'number' ? st.articles : null;
    return h('li', { class: 'story-item', dataset: { id: str(st.id), articles: str(n) } },
      h('a', { class: 'story-title', href: storyHref(st.id) }, st.title || '(untitled)'),
      h('div', { class: 'story-meta' },
        dateSpan(st.first_date, st.last_date),
        n !== null ? h('span', { class: 'story-count' }, plural(n, 'article', 'articles')) : null,
        storyActors(st.actors, 5),
      ),
    );
  }

  async function renderStories(root, params, ctx) {
    const q = params.get('q') || '';
    document.title = q ? 'dateline — stories: ' + q : 'dateline — stories';
    const input = h('input', { type: 'search', id: 'stories-q', placeholder: 'Only stories with an article holding these words', 'aria-label': 'Filter stories', autocomplete: 'off' });
    input.value = q;
    const form = h('form', { class: 'search-form', id: 'stories-form', role: 'search' }, input, h('button', { type: 'submit' }, 'Filter'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      go('/stories', { q: input.value.trim() });
    });
    const summary = h('p', { class: 'result-summary', id: 'stories-summary' });
    const list = h('ol', { class: 'stories', id: 'stories' });
    const more = h('button', { type: 'button', class: 'more', id: 'stories-more', hidden: true }, 'More');
    append(root, form, h('h1', { class: 'view-title' }, q ? 'Stories about “' + q + '”' : 'Stories'), summary, list, more);

    // Not paged: "More" asks again for a longer list (up to the API's 500).
    let limit = 50;
    const load = async () => {
      const data = await api('/api/stories', { q, limit });
      if (!ctx.alive()) return;
      const items = arr(data.items);
      list.replaceChildren(...items.map(storyItem));
      const full = items.length >= limit && limit < 500;
      more.hidden = !full;
      summary.textContent = (items.length ? plural(items.length, 'story', 'stories') + (full ? '+' : '') : 'No stories')
        + ', the most recently active first' + (state.asOf ? ', as of ' + state.asOf : '') + '.';
      root.dataset.count = String(items.length);
      await nameActors(list, storyActorIds(items), ctx);
    };
    more.addEventListener('click', async () => {
      more.disabled = true;
      limit = Math.min(500, limit + 50);
      try {
        await load();
      } catch (e) {
        if (ctx.alive()) showError(e);
      } finally {
        more.disabled = false;
      }
    });
    await load();
  }

  const MAX_LISTING_PAGES = 4; // of 500 articles: dating a story's members stays cheap

  /**
   * Articles per day of a story: its members found in the date listing over its span.
   * Returns { days: Map(date → count), found, complete }; best effort (null on failure).
   */
  async function memberDays(story) {
    const members = new Set(arr(story.members).filter((id) => typeof id === 'string'));
    const days = new Map();
    let found = 0;
    let cursor = null;
    for (let i = 0; i < MAX_LISTING_PAGES && found < members.size; i++) {
      const page = await api('/api/articles', { from: shortDate(story.first_date), to: shortDate(story.last_date), limit: 500, cursor });
      for (const a of arr(page.items)) {
        if (!members.has(a.id)) continue;
        const d = shortDate(a.date);
        days.set(d, (days.get(d) || 0) + 1);
        found++;
      }
      cursor = page.next_cursor || null;
      if (!cursor) break;
    }
    return { days, found, complete: found >= members.size };
  }

  /**
   * Bars per day over the story's span (`counts`: date → n, counted in `unit`s); the
   * days the summary picked are marked and open their part of the summary when clicked.
   */
  function storyChart(story, counts, unit, summaryDates, onPick) {
    const H = 170;
    const top = 18;
    const bottom = 30;
    const first = dayNumber(story.first_date);
    const last = dayNumber(story.last_date);
    const picked = new Set(summaryDates);
    // A summary date can fall outside the articles' span (a day the articles mention).
    const known = [first, last, ...[...counts.keys(), ...summaryDates].map(dayNumber)].filter((d) => !Number.isNaN(d));
    const lo0 = Math.min(...known);
    const hi0 = Math.max(...known);
    const svg = s('svg', { id: 'story-chart', class: 'chart', viewBox: '0 0 ' + CHART.w + ' ' + H, role: 'img', 'aria-label': 'Articles per day' });
    if (!Number.isFinite(lo0) || !Number.isFinite(hi0)) {
      append(svg, s('text', { class: 'empty-note', x: CHART.w / 2, y: H / 2, 'text-anchor': 'middle' }, 'No dates for this story.'));
      return svg;
    }
    const scale = { lo: lo0 - 1, hi: hi0 + 1 };
    const max = Math.max(1, ...counts.values());
    const yOf = (n) => H - bottom - (n / max) * (H - top - bottom);
    const step = (CHART.w - CHART.left - CHART.right) / (scale.hi - scale.lo);
    const barW = Math.max(2, Math.min(28, step * 0.8));
    for (const n of max > 1 ? [Math.ceil(max / 2), max] : [max]) {
      append(svg,
        s('line', { class: 'grid', x1: CHART.left, x2: CHART.w - CHART.right, y1: yOf(n), y2: yOf(n) }),
        s('text', { class: 'tick', x: CHART.left - 6, y: yOf(n) + 4, 'text-anchor': 'end' }, String(n)));
    }
    xTicks(svg, scale, H - bottom, H - top - bottom);
    append(svg,
      s('line', { class: 'zero-line', x1: CHART.left, x2: CHART.w - CHART.right, y1: yOf(0), y2: yOf(0) }),
      s('text', { class: 'axis-label', x: 4, y: 12 }, unit[1]));
    const days = new Set([...counts.keys(), ...summaryDates]);
    for (const d of [...days].sort()) {
      if (Number.isNaN(dayNumber(d))) continue;
      const n = counts.get(d) || 0;
      const x = xOf(scale, d);
      const isPicked = picked.has(d);
      const label = d + ': ' + plural(n, unit[0], unit[1]) + (isPicked ? ' · in the summary' : '');
      const g = s('g', { class: ['story-day', isPicked && 'picked'], dataset: { date: d } }, s('title', null, label));
      if (n > 0) g.appendChild(s('rect', { class: 'story-bar', x: (x - barW / 2).toFixed(1), y: yOf(n).toFixed(1), width: barW.toFixed(1), height: (yOf(0) - yOf(n)).toFixed(1) }));
      if (isPicked) {
        g.appendChild(s('circle', { class: 'summary-mark', cx: x.toFixed(1), cy: (n > 0 ? yOf(n) - 7 : yOf(0) - 7).toFixed(1), r: 4.5, tabindex: '0' }));
        g.addEventListener('click', () => onPick(d));
        g.addEventListener('keydown', (ev) => {
          if (ev.key === 'Enter') onPick(d);
        });
      }
      svg.appendChild(g);
    }
    return svg;
  }

  function summarySentence(sn) {
    const nSt = arr(sn.statements).length;
    const nEv = arr(sn.events).length;
    const article = typeof sn.article === 'string' && sn.article ? sn.article : null;
    return h('li', { class: 'summary-sentence', dataset: { article: str(article) } },
      article
        ? h('a', { class: 'sentence-link', href: articleHref(article), title: 'Open the article' + (sn.title ? ': ' + sn.title : '') }, str(sn.text))
        : h('span', { class: 'sentence-link' }, str(sn.text)),
      h('div', { class: 'sentence-meta' },
        sn.source ? h('span', { class: 'source' }, str(sn.source)) : null,
        sn.title ? h('span', { class: 'sentence-title muted' }, str(sn.title)) : null,
        nSt ? h('span', { class: 'badge count-statements', title: 'statements whose evidence lies in this sentence' }, plural(nSt, 'statement', 'statements')) : null,
        nEv ? h('span', { class: 'badge count-events', title: 'events whose evidence lies in this sentence' }, plural(nEv, 'event', 'events')) : null,
      ),
    );
  }

  async function renderStory(root, id, ctx) {
    document.title = 'dateline — story';
    const data = await api('/api/stories/' + encodeURIComponent(id));
    if (!ctx.alive()) return;
    const st = data.story || {};
    const summary = arr(data.summary).filter((d) => d && typeof d === 'object');
    const members = arr(st.members);
    const n = typeof st.articles === 'number' ? st.articles : members.length;
    document.title = 'dateline — ' + (st.title || st.id || 'story');

    const sentences = summary.reduce((k, d) => k + arr(d.sentences).length, 0);
    const list = h('ol', { class: 'story-summary', id: 'story-summary' }, summary.map((d) => {
      const day = shortDate(d.date);
      return h('li', { class: 'summary-date', id: 'summary-' + day, dataset: { date: day } },
        h('h3', null, h('time', { datetime: day }, day)),
        h('ul', { class: 'summary-sentences' }, arr(d.sentences).map(summarySentence)));
    }));
    const pick = (d) => {
      const li = list.querySelector('[data-date="' + d + '"]');
      if (!li) return;
      li.scrollIntoView({ block: 'start', behavior: scrollBehavior() });
      li.classList.remove('flash');
      void li.offsetWidth;
      li.classList.add('flash');
      setTimeout(() => li.classList.remove('flash'), 1600);
    };

    const chartBox = h('section', { class: 'chart-box', id: 'story-chart-box' }, h('h2', null, 'Articles per day'));
    append(root,
      h('p', { class: 'crumbs' }, h('a', { href: routeHref('/stories') }, '← stories')),
      h('h1', { class: 'view-title', id: 'story-title' }, st.title || '(untitled)'),
      h('div', { class: 'story-meta' },
        dateSpan(st.first_date, st.last_date),
        h('span', { class: 'story-count' }, plural(n, 'article', 'articles')),
        st.id ? h('a', { href: articleHref(st.id), class: 'muted', title: 'The article that started this story' }, 'first article') : null,
        state.asOf ? h('span', { class: 'muted' }, 'as of ' + state.asOf) : null,
      ),
      arr(st.actors).length ? h('p', { class: 'article-actors' }, h('span', { class: 'muted' }, 'Actors: '), storyActors(st.actors, 12)) : null,
      chartBox,
      h('section', null,
        h('h2', null, 'Summary'),
        h('p', { class: 'muted' }, plural(summary.length, 'date', 'dates') + ', ' + plural(sentences, 'sentence', 'sentences')
          + '; each sentence opens its article.'),
        summary.length ? list : h('p', { class: 'muted' }, 'No summary for this story' + (state.asOf ? ' as of ' + state.asOf : '') + '.')),
    );

    // Article dates come from the cheap date listing; without them, only the summary's days.
    let dated = null;
    try {
      dated = await memberDays(st);
    } catch {
      dated = null;
    }
    if (!ctx.alive()) return;
    const summaryDates = summary.map((d) => shortDate(d.date));
    // Without article dates, one bar per summary date with its number of sentences.
    const counts = dated ? dated.days : new Map(summary.map((d) => [shortDate(d.date), arr(d.sentences).length]));
    const unit = dated ? ['article', 'articles'] : ['sentence', 'sentences'];
    const legend = h('div', { class: 'legend' },
      h('span', { class: 'legend-item' }, h('span', { class: 'swatch bar' }), unit[1] + ' that day'),
      h('span', { class: 'legend-item' }, h('span', { class: 'swatch summary-swatch' }), 'a date of the summary (click to go to it)'),
      dated && !dated.complete ? h('span', { class: 'legend-item muted' }, 'dated ' + dated.found + ' of ' + members.length + ' articles') : null,
      dated ? null : h('span', { class: 'legend-item muted' }, 'article dates unavailable: summary sentences per date'));
    chartBox.querySelector('h2').textContent = dated ? 'Articles per day' : 'Summary sentences per date';
    append(chartBox, legend, storyChart(st, counts, unit, summaryDates, pick));
    await nameActors(root, storyActorIds([st]), ctx);
  }

  // ---------------------------------------------------------------- actors view

  async function renderActors(root, params, ctx) {
    const q = params.get('q') || '';
    document.title = 'dateline — actors';
    const input = h('input', { type: 'search', id: 'actors-q', placeholder: 'Filter by name, alias or code', 'aria-label': 'Filter actors' });
    input.value = q;
    const form = h('form', { class: 'search-form', role: 'search' }, input, h('button', { type: 'submit' }, 'Filter'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      go('/actors', { q: input.value.trim() });
    });
    const body = h('tbody');
    const table = h('table', { class: 'actors-table', id: 'actors-table' },
      h('thead', null, h('tr', null, ['name', 'kind', 'codes', 'mentions', 'articles', 'seen'].map((c) => h('th', null, c)))), body);
    const more = h('button', { type: 'button', class: 'more', hidden: true }, 'More');
    append(root, h('h1', { class: 'view-title' }, 'Actors'), form, table, more);

    let cursor = null;
    const load = async () => {
      const page = await api('/api/actors', { q, limit: 50, cursor });
      if (!ctx.alive()) return;
      arr(page.items).forEach((a) => rememberName(a.id, a.name));
      append(body, arr(page.items).map((a) => h('tr', null,
        h('td', null, actorLink(a.id, a.name)),
        h('td', null, str(a.kind)),
        h('td', null, arr(a.codes).map((c, j) => [j ? ', ' : '', h('code', null, str(c.code)), c.from || c.to ? h('span', { class: 'muted small' }, ' ' + str(c.from || '…') + '–' + str(c.to || '…')) : null])),
        h('td', { class: 'num' }, str(a.mentions)),
        h('td', { class: 'num' }, str(a.articles)),
        h('td', { class: 'small' }, shortDate(a.first_seen) + (a.last_seen && a.last_seen !== a.first_seen ? ' – ' + shortDate(a.last_seen) : '')),
      )));
      if (!body.children.length) body.appendChild(h('tr', null, h('td', { colspan: '6', class: 'muted' }, 'No actors.')));
      cursor = page.next_cursor || null;
      more.hidden = !cursor;
    };
    more.addEventListener('click', () => load().catch((e) => ctx.alive() && showError(e)));
    await load();
  }

  // ---------------------------------------------------------------- start

  function start() {
    initSlider();
    initSidePanel();
    window.addEventListener('hashchange', render);
    state.asOf = parseRoute().params.get('as_of') || null;
    loadHealth().then(syncSlider);
    render();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
