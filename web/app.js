// boxrank serve: the front end. Plain JavaScript, no build step, nothing loaded from elsewhere.
// Every text from the store goes into the page through textContent or attributes, never as
// HTML, so a party called "<script>" shows as those characters.
'use strict';

const state = { session: null, gen: 0 };

const CATEGORIES = ['drugs', 'weapons', 'precursors', 'cultural_property', 'undervaluation',
  'misdeclaration', 'counterfeit', 'tobacco', 'wildlife', 'currency', 'other'];
const SEVERITIES = { 1: '1 minor', 2: '2', 3: '3 serious', 4: '4', 5: '5 critical' };

// Pages each role sees, in menu order.
const PAGES = {
  analyst: [['worklist', 'Worklist'], ['hits', 'Watchlist hits'], ['exceptions', 'Exceptions']],
  rule_author: [['worklist', 'Worklists'], ['packs', 'Packs and rules'], ['backtest', 'Backtest'],
    ['report', 'Hit rates'], ['exceptions', 'Exceptions']],
  commission: [['report', 'Hit rates'], ['audit', 'Audit']],
  admin: [['users', 'Users'], ['audit', 'Audit']],
};

// What an officer calls the canonical manifest fields (other columns keep their own names).
const FIELD_LABELS = {
  record_id: 'Line ID', bol: 'B/L', container: 'Container', seal: 'Seal', container_type: 'Size/type',
  declared_kg: 'Declared kg', measured_kg: 'Weighed kg (VGM)', packages: 'Packages', hs_code: 'HS code',
  description: 'Goods', value: 'Invoice value', currency: 'Currency', freight_terms: 'Freight terms',
  freight_amount: 'Freight', shipper_name: 'Shipper', shipper_address: 'Shipper address',
  shipper_country: 'Shipper country', consignee_name: 'Consignee', consignee_address: 'Consignee address',
  consignee_country: 'Consignee country', notify_name: 'Notify party', importer_id: 'Importer TIN',
  declarant_id: 'Declarant', origin_country: 'Origin', load_port: 'Port of loading',
  transship_ports: 'Transshipment', discharge_port: 'Port of discharge', port: 'Place of inspection',
  vessel_imo: 'Vessel IMO', vessel_name: 'Vessel or truck', voyage: 'Voyage or plate', carrier: 'Carrier',
  arrival_date: 'Arrival',
};

// ---- DOM helpers ----

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

const SVG = 'http://www.w3.org/2000/svg';
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  append(el, children);
  return el;
}

function main() { return document.getElementById('main'); }
function showNow(...nodes) {
  const m = main();
  m.replaceChildren();
  append(m, nodes);
}
function pct(x) { return x === null || x === undefined ? '–' : (100 * x).toFixed(1) + '%'; }
function num(x, d = 1) { return x === null || x === undefined ? '–' : Number(x).toFixed(d); }
function notice(text, kind) { return h('p', { class: 'notice ' + (kind || ''), role: 'status' }, text); }
function params() { return new URLSearchParams(location.hash.split('?')[1] || ''); }
function go(page, p) {
  const q = new URLSearchParams(Object.entries(p || {}).filter(([, v]) => v)).toString();
  location.hash = '#/' + page + (q ? '?' + q : '');
}
function link(page, p, ...children) {
  const q = new URLSearchParams(Object.entries(p || {}).filter(([, v]) => v)).toString();
  return h('a', { href: '#/' + page + (q ? '?' + q : '') }, ...children);
}

// ---- the API ----

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(method, path, body) {
  const opts = { method, headers: {}, credentials: 'same-origin' };
  if (body !== undefined) {
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  if (method !== 'GET' && state.session) opts.headers['X-CSRF-Token'] = state.session.csrf;
  const res = await fetch(path, opts);
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (!res.ok) {
    if (res.status === 401 && state.session) {
      state.session = null;
      renderLogin('Your session has ended: log in again.');
    }
    throw new ApiError(res.status, (data && data.error) || res.statusText);
  }
  return data;
}

function failure(e) {
  return notice(e.status === 403 ? 'Not allowed: ' + e.message : 'Error: ' + e.message, 'bad');
}

// ---- login and frame ----

function renderLogin(message) {
  document.getElementById('nav').replaceChildren();
  document.getElementById('who').replaceChildren();
  const err = h('p', { class: 'notice bad', id: 'login-error', hidden: !message }, message || '');
  const name = h('input', { id: 'name', name: 'name', autocomplete: 'username', required: true });
  const pass = h('input', { id: 'password', name: 'password', type: 'password',
    autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'login', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      state.session = await api('POST', '/api/login', { name: name.value, password: pass.value });
      pass.value = '';
      frame();
      route();
    } catch (e) {
      err.hidden = false;
      err.textContent = e.status === 429 || e.status === 403 ? e.message : 'Wrong name or password.';
    }
  } },
  h('h1', {}, 'Log in to boxrank'),
  h('label', { for: 'name' }, 'User name'), name,
  h('label', { for: 'password' }, 'Password'), pass,
  h('button', { type: 'submit', class: 'primary' }, 'Log in'), err);
  showNow(form);
  name.focus();
}

function frame() {
  const sess = state.session;
  const nav = document.getElementById('nav');
  nav.replaceChildren(...(PAGES[sess.role] || []).map(([p, label]) =>
    h('a', { href: '#/' + p, 'data-page': p }, label)));
  const roleName = { analyst: 'analyst', rule_author: 'rule author', commission: 'commission',
    admin: 'admin' }[sess.role];
  document.getElementById('who').replaceChildren(
    h('span', {}, sess.user + ' (' + roleName + (sess.ports.length ? ', ' + sess.ports.join(' ') : '') + ')'),
    h('button', { type: 'button', id: 'logout', onclick: async () => {
      try { await api('POST', '/api/logout', {}); } catch (e) { /* the session is gone either way */ }
      state.session = null;
      location.hash = '';
      renderLogin();
    } }, 'Log out'));
}

const ROUTES = {
  worklist: renderWorklist, unit: renderUnit, hits: renderHits, exceptions: renderExceptions,
  report: renderReport, packs: renderPacks, rules: renderRules, backtest: renderBacktest,
  audit: renderAudit, users: renderUsers,
};

function route() {
  if (!state.session) return renderLogin();
  const pages = PAGES[state.session.role] || [];
  let page = (location.hash.match(/^#\/([a-z]+)/) || [])[1];
  if (!ROUTES[page]) page = pages.length ? pages[0][0] : null;
  for (const a of document.querySelectorAll('#nav a'))
    a.classList.toggle('current', a.dataset.page === page ||
      (page === 'unit' && a.dataset.page === 'worklist') || (page === 'rules' && a.dataset.page === 'packs'));
  // A page still loading when the user moves on must not draw over the next one.
  const gen = ++state.gen;
  const show = (...nodes) => { if (gen === state.gen) showNow(...nodes); };
  show(h('p', { class: 'loading' }, 'Loading…'));
  ROUTES[page](show).catch((e) => { if (e.status !== 401) show(failure(e)); });
}

// ---- the worklist ----

function stampLine(st, port) {
  return h('p', { class: 'stamp' },
    'List for ', h('strong', {}, port), ' on ', h('strong', {}, st.date),
    ' · run ', String(st.run_id),
    ' · pack ', st.pack_name, ' ', st.pack_version || '', ' (', h('code', { title: st.pack_hash }, st.pack_hash.slice(0, 12)), ')',
    ' · seed ', st.seed,
    ' · ', String(st.units), ' units seen, ', String(st.targeted), ' targeted + ', String(st.random),
    ' random control', st.explore ? ' + ' + st.explore + ' explore' : '', ' (capacity ', String(st.capacity), ')');
}

async function portPicker(page, current, date) {
  const ports = await api('GET', '/api/ports');
  if (!ports.length) return { ports, picker: notice('No lists yet: nothing has been ranked for your ports.') };
  const port = current && ports.some((p) => p.port === current) ? current : ports[0].port;
  const entry = ports.find((p) => p.port === port);
  const portSel = h('select', { id: 'port', onchange: () => go(page, { port: portSel.value }) },
    ports.map((p) => h('option', { value: p.port, selected: p.port === port }, p.port)));
  const dateSel = h('select', { id: 'date', onchange: () => go(page, { port, date: dateSel.value }) },
    entry.dates.map((d) => h('option', { value: d, selected: d === date }, d)));
  const picker = h('div', { class: 'picker' },
    h('label', { for: 'port' }, 'Port '), portSel, ' ',
    h('label', { for: 'date' }, 'Day '), dateSel);
  return { ports, port, date: date || entry.dates[0], picker };
}

function laneBadge(lane) { return h('span', { class: 'lane ' + lane }, lane); }
function selectionBadge(sel) {
  if (sel === 'random') return h('span', { class: 'sel random', title: 'Drawn at random as a control: inspect it like any other' }, 'random control');
  if (sel === 'explore') return h('span', { class: 'sel explore', title: 'Picked because the pack knows least about its values (exploration): inspect it like any other' }, 'explore');
  return h('span', { class: 'sel targeted' }, 'targeted');
}

function field(m, ...names) {
  for (const n of names) if (m && m[n]) return m[n];
  return '';
}

function outcomeText(o) {
  if (!o) return null;
  return o.result === 'finding'
    ? 'Finding: ' + o.category.replace('_', ' ') + ', severity ' + o.severity
    : 'No finding';
}

function resultForm(port, unit, date, existing, onDone) {
  const id = 'r-' + unit.replace(/[^A-Za-z0-9]/g, '_');
  const result = h('select', { id: id + '-result', name: 'result' },
    h('option', { value: 'no_finding' }, 'No finding'),
    h('option', { value: 'finding' }, 'Finding'));
  const cat = h('select', { id: id + '-category', name: 'category' },
    h('option', { value: '' }, '— category —'),
    CATEGORIES.map((c) => h('option', { value: c }, c.replace('_', ' '))));
  const sev = h('select', { id: id + '-severity', name: 'severity' },
    h('option', { value: '' }, '— severity —'),
    Object.entries(SEVERITIES).map(([v, t]) => h('option', { value: v }, t)));
  // Text, not a date picker: a picker shows the browser's locale order (03/02 or 02/03).
  const when = h('input', { id: id + '-date', name: 'date', value: date, required: true, size: 10,
    pattern: '\\d{4}-\\d{2}-\\d{2}', placeholder: 'YYYY-MM-DD', title: 'YYYY-MM-DD' });
  const notes = h('textarea', { id: id + '-notes', name: 'notes', rows: 2, maxlength: 4096,
    placeholder: 'What was found, where, quantities, seal numbers…' });
  const msg = h('span', { class: 'form-msg', role: 'status' });
  if (existing) {
    result.value = existing.result;
    cat.value = existing.category || '';
    sev.value = existing.severity ? String(existing.severity) : '';
    notes.value = existing.notes || '';
    when.value = existing.date;
  }
  const sync = () => {
    const f = result.value === 'finding';
    cat.disabled = !f; sev.disabled = !f;
    if (!f) { cat.value = ''; sev.value = ''; }
  };
  result.addEventListener('change', sync);
  sync();
  return h('form', { class: 'result-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const body = { port, unit, date: when.value, result: result.value, notes: notes.value };
    if (result.value === 'finding') {
      body.category = cat.value;
      body.severity = Number(sev.value) || 0;
    }
    try {
      const r = await api('POST', '/api/result', body);
      msg.textContent = r.action === 'result.correct' ? 'Corrected (the earlier version is kept).'
        : r.action === 'unchanged' ? 'Already recorded.' : 'Recorded.';
      msg.className = 'form-msg ok';
      if (onDone) setTimeout(onDone, 600);
    } catch (e) {
      msg.textContent = e.message;
      msg.className = 'form-msg bad';
    }
  } },
  h('label', { for: id + '-result' }, 'Result'), result,
  h('label', { for: id + '-category' }, 'Category'), cat,
  h('label', { for: id + '-severity' }, 'Severity'), sev,
  h('label', { for: id + '-date' }, 'Inspected on'), when,
  h('label', { for: id + '-notes' }, 'Notes'), notes,
  h('button', { type: 'submit', class: 'primary' }, existing ? 'Save correction' : 'Save result'), msg);
}

function reasonList(reasons) {
  return h('ol', { class: 'reasons' }, reasons.map((r) =>
    h('li', {}, h('span', { class: 'points' }, '+' + num(r.points, r.points % 1 ? 1 : 0)), ' ', r.text)));
}

async function renderWorklist(show) {
  const p = params();
  const pick = await portPicker('worklist', p.get('port'), p.get('date'));
  if (!pick.port) return show(h('h1', {}, 'Worklist'), pick.picker);
  const wl = await api('GET', '/api/worklist?' + new URLSearchParams({ port: pick.port, date: pick.date }));
  const canRecord = state.session.role === 'analyst';
  const rows = [];
  for (const u of wl.units) {
    const m = u.manifest || {};
    const tr = h('tr', { class: 'unit-row ' + u.selection, 'data-unit': u.unit },
      h('td', { class: 'num' }, String(u.position)),
      h('td', { class: 'num' }, String(u.rank)),
      h('td', {}, h('div', { class: 'unit-id' }, link('unit', { port: pick.port, unit: u.unit, date: pick.date }, u.unit)),
        h('div', { class: 'small' }, 'B/L ', field(m, 'bol') || '–'),
        u.lines > 1 ? h('div', { class: 'small' }, String(u.lines) + ' lines') : null),
      h('td', { class: 'num score' }, num(u.score, u.score % 1 ? 1 : 0)),
      h('td', {}, laneBadge(u.lane), h('br'), selectionBadge(u.selection)),
      h('td', {}, h('div', {}, h('span', { class: 'small' }, 'Shipper '), field(m, 'shipper_name')),
        h('div', {}, h('span', { class: 'small' }, 'Consignee '), field(m, 'consignee_name'))),
      h('td', {}, h('div', {}, field(m, 'description')),
        h('div', { class: 'small' }, 'HS ', field(m, 'hs_code') || '–')),
      h('td', {}, h('div', {}, 'Origin ', field(m, 'origin_country') || '–'),
        h('div', { class: 'small' }, 'Loaded at ', field(m, 'load_port') || '–')),
      h('td', {}, m.vessel_name ? h('div', {}, m.vessel_name, h('div', { class: 'small' }, 'voyage ', m.voyage || '–'))
        : h('div', {}, m.voyage ? 'Truck ' + m.voyage : '–', h('div', { class: 'small' }, m.carrier || '')),
        h('div', { class: 'small' }, 'Arrives ', field(m, 'arrival_date') || '–')),
      h('td', {}, u.reasons.length ? reasonList(u.reasons) : h('span', { class: 'small' }, u.selection === 'explore' ? 'no rule fired: explore pick' : 'no rule fired: control pick')),
      h('td', { class: 'result-cell' },
        u.outcome ? h('div', { class: u.outcome.result === 'finding' ? 'outcome finding' : 'outcome' },
          outcomeText(u.outcome), h('div', { class: 'small' }, 'by ' + (u.outcome.recorded_by || 'import') + ', ' + u.outcome.date)) : null,
        canRecord ? h('button', { type: 'button', class: u.outcome ? '' : 'primary', onclick: (ev) => {
          const next = tr.nextSibling;
          if (next && next.classList.contains('form-row')) { next.remove(); return; }
          tr.after(h('tr', { class: 'form-row' }, h('td', { colspan: 11 },
            resultForm(pick.port, u.unit, u.outcome ? u.outcome.date : pick.date, u.outcome, () => route()))));
          ev.target.blur();
        } }, u.outcome ? 'Correct' : 'Record result') : null));
    rows.push(tr);
  }
  const done = wl.units.filter((u) => u.outcome).length;
  show(
    h('div', { class: 'page-head' }, h('h1', {}, 'Inspection worklist'), pick.picker,
      h('button', { type: 'button', class: 'noprint', onclick: () => window.print() }, 'Print list')),
    stampLine(wl.stamp, pick.port),
    h('p', { class: 'progress' }, String(done) + ' of ' + String(wl.units.length) + ' units have a result.'),
    wl.units.length ? h('table', { class: 'worklist' },
      h('thead', {}, h('tr', {}, ['#', 'Rank', 'Unit', 'Score', 'Lane / selection', 'Parties', 'Goods',
        'Origin', 'Vessel or truck', 'Reasons (points)', 'Result'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows)) : notice('Nothing was selected at this port on this day.'));
}

// ---- a unit's page ----

// What a version changed against the one before it of the same line (none for the first, or
// for a line an earlier run read, whose fields the store does not keep).
function versionChanges(prev, cur) {
  if (!prev || !prev.fields || !cur.fields) return '';
  const a = JSON.parse(prev.fields), b = JSON.parse(cur.fields);
  const skip = ['amendment', 'source'];
  return Object.keys(Object.assign({}, a, b)).filter((k) => !skip.includes(k) && a[k] !== b[k])
    .map((k) => (FIELD_LABELS[k] || k) + ': ' + (a[k] || '–') + ' → ' + (b[k] || '–')).join('; ');
}

function lineVersions(versions) {
  if (!versions.length) return null;
  const rows = versions.map((v, i) => {
    const prev = i > 0 && versions[i - 1].bol === v.bol && versions[i - 1].container === v.container &&
      versions[i - 1].record === v.record ? versions[i - 1] : null;
    return h('tr', { class: 'version ' + v.status },
      h('td', {}, h('span', { class: 'status ' + v.status }, v.status)),
      h('td', {}, v.bol), h('td', {}, v.container || ''), h('td', {}, v.file || ''),
      h('td', {}, v.source || ('line ' + v.line)), h('td', {}, v.action || ''),
      h('td', {}, v.received_at + ' (run ' + v.run + ')'), h('td', {}, versionChanges(prev, v)));
  });
  return h('section', {}, h('h2', {}, 'Versions of these lines'),
    h('p', { class: 'small' }, 'Lines sent more than once for the same B/L and container, oldest first. Only the current version is scored; superseded and deleted versions are kept with when they were read.'),
    h('table', { class: 'line-versions' }, h('thead', {}, h('tr', {}, ['Status', 'B/L', 'Container', 'File',
      'Line or message', 'Action', 'Read', 'Changed'].map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, rows)));
}

async function renderUnit(show) {
  const p = params();
  const q = { port: p.get('port'), unit: p.get('unit') };
  if (p.get('date')) q.date = p.get('date');
  const u = await api('GET', '/api/unit?' + new URLSearchParams(q));
  const lines = u.lines;
  const keys = [];
  for (const l of lines) for (const k of Object.keys(l.fields)) if (!keys.includes(k)) keys.push(k);
  const fired = u.rules.filter((r) => r.points > 0);
  const latest = u.outcomes.find((o) => o.date >= u.stamp.date);
  show(
    h('p', { class: 'noprint' }, link('worklist', { port: u.port, date: u.stamp.date }, '← back to the list')),
    h('h1', {}, 'Unit ', u.unit, ' at ', u.port),
    stampLine(u.stamp, u.port),
    u.selection ? h('p', {}, 'Rank ', String(u.selection.rank), ', score ', num(u.selection.score, 0), ' ',
      laneBadge(u.selection.lane), ' ', selectionBadge(u.selection.kind)) : null,
    h('section', {}, h('h2', {}, 'Why it is on the list'),
      fired.length ? reasonList(fired.map((r) => ({ points: r.points, text: r.reason }))) : notice(u.selection && u.selection.kind === 'explore'
        ? 'No rule fired: it was picked to learn about values the pack has few inspections of (explore).'
        : 'No rule fired: it was drawn as a random control.')),
    state.session.role === 'analyst' ? h('section', { class: 'noprint' }, h('h2', {}, latest ? 'Correct the result' : 'Record the result'),
      resultForm(u.port, u.unit, latest ? latest.date : u.stamp.date, latest, () => route())) : null,
    h('section', {}, h('h2', {}, 'Manifest lines (' + lines.length + ')'),
      lines.length ? h('table', { class: 'lines' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Field'), lines.map((l) => h('th', {}, 'Line ' + l.line)))),
        h('tbody', {}, keys.map((k) => h('tr', {}, h('th', { scope: 'row', title: k }, FIELD_LABELS[k] || k),
          lines.map((l) => h('td', {}, l.fields[k] || '')))))) : notice('The run did not keep this unit\'s lines (input read from standard input).')),
    lineVersions(u.line_versions),
    h('section', {}, h('h2', {}, 'Every rule of the pack'),
      h('table', {}, h('thead', {}, h('tr', {}, ['Rule', 'Title', 'Weight', 'Contributed', 'Reason'].map((t) => h('th', {}, t)))),
        h('tbody', {}, u.rules.map((r) => h('tr', { class: r.points > 0 ? 'fired' : 'quiet' },
          h('td', {}, r.rule), h('td', {}, r.title), h('td', { class: 'num' }, num(r.weight, 0)),
          h('td', { class: 'num' }, r.points > 0 ? '+' + num(r.points, 0) : '0'), h('td', {}, r.reason || '')))))),
    h('section', {}, h('h2', {}, 'Track records before ' + u.stamp.date),
      h('p', { class: 'small' }, 'Inspections of earlier units with the same party or commodity; the rate is shrunk toward the overall rate while there are few.'),
      h('table', {}, h('thead', {}, h('tr', {}, ['What', 'Value', 'Inspections', 'Findings', 'Rate'].map((t) => h('th', {}, t)))),
        h('tbody', {}, u.track_records.map((t) => h('tr', {}, h('td', {}, t.key.replace('_', ' ')), h('td', {}, t.value),
          h('td', { class: 'num' }, String(t.inspections)), h('td', { class: 'num' }, String(t.findings)),
          h('td', { class: 'num' }, pct(t.rate))))))),
    h('section', {}, h('h2', {}, 'Results recorded for this unit'),
      u.outcomes.length ? h('table', {}, h('thead', {}, h('tr', {}, ['Date', 'Result', 'Notes', 'By', 'When'].map((t) => h('th', {}, t)))),
        h('tbody', {}, u.outcomes.map((o) => h('tr', {}, h('td', {}, o.date), h('td', {}, outcomeText(o)), h('td', {}, o.notes),
          h('td', {}, o.recorded_by || ('import ' + (o.file || ''))), h('td', {}, o.recorded_at))))) : notice('None yet.'),
      u.corrections.length ? h('div', {}, h('h3', {}, 'Earlier versions (replaced by corrections)'),
        h('table', {}, h('thead', {}, h('tr', {}, ['Result', 'Notes', 'Recorded by', 'Replaced by', 'Replaced at'].map((t) => h('th', {}, t)))),
          h('tbody', {}, u.corrections.map((v) => h('tr', {}, h('td', {}, outcomeText(v)), h('td', {}, v.notes),
            h('td', {}, v.recorded_by + ', ' + v.recorded_at), h('td', {}, v.replaced_by), h('td', {}, v.replaced_at)))))) : null));
}

// ---- watchlist hits ----

function hitStatus(hit) {
  if (hit.exception) {
    const e = hit.exception;
    return h('div', { class: 'status ' + e.status },
      e.status === 'pending' ? 'Dismissed, awaiting a second analyst' : 'Dismissed as namesake',
      h('div', { class: 'small' }, 'by ' + e.created_by + ': ' + e.reason + (e.expires ? ', until ' + e.expires : '')));
  }
  if (hit.review && hit.review.decision === 'confirmed')
    return h('div', { class: 'status confirmed' }, 'Confirmed', h('div', { class: 'small' }, 'by ' + hit.review.by));
  return h('div', { class: 'status open' }, 'To review');
}

async function renderHits(show) {
  const p = params();
  const pick = await portPicker('hits', p.get('port'), p.get('date'));
  if (!pick.port) return show(h('h1', {}, 'Watchlist hits'), pick.picker);
  const data = await api('GET', '/api/hits?' + new URLSearchParams({ port: pick.port, date: pick.date }));
  const canAct = state.session.role === 'analyst';
  const rows = data.hits.map((hit) => {
    const base = { run_id: data.run_id, port: pick.port, unit: hit.unit, party: hit.party, list: hit.list, entry: hit.entry };
    const actions = h('td', { class: 'actions' });
    if (canAct && !hit.exception) {
      actions.append(
        h('button', { type: 'button', class: 'confirm', onclick: async () => {
          try { await api('POST', '/api/hits/confirm', base); route(); } catch (e) { actions.append(failure(e)); }
        } }, 'Confirm hit'),
        h('button', { type: 'button', class: 'dismiss', onclick: () => {
          if (actions.querySelector('form')) return;
          const why = h('input', { name: 'reason', required: true, placeholder: 'e.g. different passport, licence checked' });
          const until = h('input', { name: 'expires', size: 10, placeholder: 'YYYY-MM-DD', pattern: '\\d{4}-\\d{2}-\\d{2}' });
          actions.append(h('form', { class: 'dismiss-form', onsubmit: async (ev) => {
            ev.preventDefault();
            try { await api('POST', '/api/hits/dismiss', { ...base, reason: why.value, expires: until.value }); route(); } catch (e) { actions.append(failure(e)); }
          } }, h('label', {}, 'Why is this party not the listed one? ', why),
          h('label', {}, 'Exception ends after (optional) ', until),
          h('button', { type: 'submit', class: 'primary' }, 'Dismiss as namesake')));
          why.focus();
        } }, 'Dismiss as namesake…'));
    }
    return h('tr', { class: 'hit' },
      h('td', {}, link('unit', { port: pick.port, unit: hit.unit, date: pick.date }, hit.unit)),
      h('td', {}, h('div', { class: 'party' }, hit.party), h('div', { class: 'small' }, hit.field.replace('_', ' '))),
      h('td', {}, h('div', {}, hit.entry_name), h('div', { class: 'small' }, hit.list + ' ' + hit.entry + (hit.matched !== hit.entry_name ? ' · alias ' + hit.matched : ''))),
      h('td', { class: 'num' }, num(hit.score, 2)),
      h('td', { class: 'small' }, hit.tokens),
      h('td', {}, hitStatus(hit)), actions);
  });
  show(h('div', { class: 'page-head' }, h('h1', {}, 'Watchlist hits'), pick.picker),
    h('p', { class: 'stamp' }, 'Parties of the units on the ', pick.port, ' list of ', data.date,
      ' screened against every stored watchlist. Minimum score, as the run applied it: ', screenedAt(data), '.',
      data.four_eyes ? ' A dismissal takes effect once a second analyst approves it (Exceptions page).' : ''),
    rows.length ? h('table', { class: 'hits' }, h('thead', {}, h('tr', {},
      ['Unit', 'Party on the manifest', 'Listed entry', 'Score', 'Matched words', 'Status', ''].map((t) => h('th', {}, t)))),
    h('tbody', {}, rows)) : notice('No party on this list matches a watchlist entry.'));
}

// Each list's minimum score, and where it comes from (the run's pack, or the engine's default).
function screenedAt(data) {
  const lists = Object.entries(data.thresholds || {}).map(([list, min]) => list + ' ' + num(min, 2));
  const rest = (lists.length ? 'other lists ' : 'every list ') + num(data.default_threshold, 2);
  return [...lists, rest].join(', ') + ' or more (' + data.threshold_source + ')';
}

async function renderExceptions(show) {
  const rows = await api('GET', '/api/exceptions');
  const canAct = state.session.role === 'analyst';
  show(h('h1', {}, 'Watchlist exceptions'),
    h('p', { class: 'small' }, 'An exception says a party is not a listed entry: the pair stops matching until it expires or is revoked.'),
    rows.length ? h('table', { class: 'exceptions' }, h('thead', {}, h('tr', {},
      ['#', 'Party', 'Not the entry', 'Why', 'By', 'Until', 'Status', ''].map((t) => h('th', {}, t)))),
    h('tbody', {}, rows.map((e) => {
      const actions = h('td', { class: 'actions' });
      if (canAct && e.status === 'pending' && e.created_by !== state.session.user)
        actions.append(h('button', { type: 'button', class: 'approve', onclick: async () => {
          try { await api('POST', '/api/exceptions/approve', { id: e.id }); route(); } catch (err) { actions.append(failure(err)); }
        } }, 'Approve'));
      if (canAct && e.status !== 'revoked')
        actions.append(h('button', { type: 'button', class: 'revoke', onclick: () => {
          if (actions.querySelector('form')) return;
          const why = h('input', { name: 'reason', required: true, placeholder: 'why it no longer holds' });
          actions.append(h('form', { class: 'revoke-form', onsubmit: async (ev) => {
            ev.preventDefault();
            try { await api('POST', '/api/exceptions/revoke', { id: e.id, reason: why.value }); route(); } catch (err) { actions.append(failure(err)); }
          } }, h('label', {}, 'Reason ', why), h('button', { type: 'submit', class: 'primary' }, 'Revoke')));
          why.focus();
        } }, 'Revoke…'));
      const status = e.status === 'revoked' ? 'revoked by ' + e.revoked_by + ' (' + e.revoke_reason + ')'
        : e.status === 'pending' ? 'awaiting approval' : e.expires && e.expires < new Date().toISOString().slice(0, 10) ? 'expired'
          : 'in force' + (e.approved_by ? ', approved by ' + e.approved_by : '');
      return h('tr', { class: 'exception ' + e.status, 'data-id': e.id }, h('td', { class: 'num' }, String(e.id)),
        h('td', {}, e.party), h('td', {}, e.list + ' ' + e.entry), h('td', {}, e.reason),
        h('td', {}, e.created_by, h('div', { class: 'small' }, e.created_at)), h('td', {}, e.expires || 'revoked'),
        h('td', {}, status), actions);
    }))) : notice('No exceptions recorded.'));
}

// ---- the commission's report ----

function rateCell(c) {
  if (!c || !c.inspections) return h('td', { class: 'num' }, '–', h('div', { class: 'small' }, 'n = 0'));
  return h('td', { class: 'num' }, pct(c.hit_rate),
    h('div', { class: 'small' }, c.hits + ' of ' + c.inspections + ' · 95% ' + pct(c.ci95[0]) + '–' + pct(c.ci95[1])));
}

function liftCell(g) {
  if (!g.lift) return h('td', { class: 'num' }, '–', h('div', { class: 'small' }, 'cannot be estimated'));
  return h('td', { class: 'num' }, num(g.lift.value, 2) + '×',
    h('div', { class: 'small' }, '95% ' + num(g.lift.ci95[0], 2) + '–' + num(g.lift.ci95[1], 2)));
}

// A line chart of hit rate per month, targeted against random, with the n of each point.
function monthChart(groups) {
  const months = groups.filter((g) => g.dimension === 'month');
  if (!months.length) return null;
  const W = 640, H = 220, L = 44, B = 36, T = 14, R = 56;
  const x = (i) => L + (months.length === 1 ? (W - L - R) / 2 : i * (W - L - R) / (months.length - 1));
  const kinds = [['targeted', 'targeted'], ['random', 'random']];
  if (months.some((g) => g.explore && g.explore.inspections)) kinds.push(['explore', 'explore']);
  const max = Math.max(0.05, ...months.flatMap((g) => kinds.map(([k]) => g[k].hit_rate || 0)));
  const y = (v) => T + (H - T - B) * (1 - v / max);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': 'Hit rate per month, targeted and random' });
  for (let k = 0; k <= 4; k++) {
    const v = max * k / 4;
    svg.append(s('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' }),
      s('text', { x: L - 4, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, pct(v)));
  }
  for (const [key, cls] of kinds) {
    const pts = months.map((g, i) => g[key].inspections ? [x(i), y(g[key].hit_rate), g[key].inspections] : null).filter(Boolean);
    if (pts.length > 1) svg.append(s('polyline', { points: pts.map((p) => p[0] + ',' + p[1]).join(' '), class: 'line ' + cls }));
    for (const p of pts) svg.append(s('circle', { cx: p[0], cy: p[1], r: 4, class: 'dot ' + cls }),
      s('text', { x: p[0] + 6, y: p[1] - 6, class: 'n ' + cls }, 'n=' + p[2]));
  }
  months.forEach((g, i) => svg.append(s('text', { x: x(i), y: H - 14, 'text-anchor': 'middle', class: 'axis' }, g.month)));
  return h('figure', {}, svg, h('figcaption', {}, h('span', { class: 'key targeted' }, '■ targeted'), ' ',
    h('span', { class: 'key random' }, '■ random control'), kinds.length > 2 ? [' ', h('span', { class: 'key explore' }, '■ explore')] : null,
    ' — hit rate per month; n = inspections'));
}

// Per rule: hit rate with its 95% interval, and the random control's rate as a baseline.
function ruleChart(groups, baseline) {
  const rules = groups.filter((g) => g.dimension === 'rule' && g.selected.inspections);
  if (!rules.length) return null;
  const W = 640, row = 22, L = 150, R = 90, T = 10;
  const H = T + rules.length * row + 24;
  const x = (v) => L + (W - L - R) * v;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': 'Hit rate per rule with 95% interval' });
  rules.forEach((g, i) => {
    const c = g.selected, yy = T + i * row + row / 2;
    svg.append(s('text', { x: L - 6, y: yy + 4, 'text-anchor': 'end', class: 'axis' }, g.rule),
      s('line', { x1: x(c.ci95[0]), x2: x(c.ci95[1]), y1: yy, y2: yy, class: 'ci' }),
      s('circle', { cx: x(c.hit_rate), cy: yy, r: 4, class: 'dot targeted' }),
      s('text', { x: W - R + 6, y: yy + 4, class: 'axis' }, pct(c.hit_rate) + ' n=' + c.inspections));
  });
  if (baseline && baseline.inspections) {
    svg.append(s('line', { x1: x(baseline.hit_rate), x2: x(baseline.hit_rate), y1: T, y2: H - 24, class: 'baseline' }),
      s('text', { x: x(baseline.hit_rate), y: H - 8, 'text-anchor': 'middle', class: 'axis' }, 'random ' + pct(baseline.hit_rate)));
  }
  for (const v of [0, 0.5, 1]) svg.append(s('text', { x: x(v), y: H - 8, 'text-anchor': 'middle', class: 'axis faint' }, pct(v)));
  return h('figure', {}, svg, h('figcaption', {}, 'Hit rate of the inspected units each rule fired on, with its 95% interval; the vertical line is the random control.'));
}

function controlWarnings(control) {
  return control.filter((c) => !c.enough).map((c) => h('div', { class: 'warning', role: 'note' },
    h('strong', {}, (c.port || 'All ports') + ': the random control is too small to estimate lift. '),
    'It rests on ' + c.random + ' random inspection' + (c.random === 1 ? '' : 's') + ' with ' + c.random_hits + ' finding' + (c.random_hits === 1 ? '' : 's') +
    ' (targeted: ' + c.targeted + ' inspections, ' + c.targeted_hits + ' findings). ',
    c.needed_random ? 'About ' + c.needed_random + ' random inspections are needed to tell targeting from chance at these rates' +
      (c.more_targeted ? ', and more targeted inspections too.' : '.')
      : 'No control size will show lift until targeted inspections find more than random ones.'));
}

async function renderReport(show) {
  const p = params();
  const ports = state.session.role === 'rule_author' ? await api('GET', '/api/ports') : [];
  const port = p.get('port') || '';
  const rule = p.get('rule') || '';
  // Without a period the server takes the three months up to the latest list.
  const q = {};
  if (p.get('from')) q.from = p.get('from');
  if (p.get('to')) q.to = p.get('to');
  if (port) q.port = port;
  const data = await api('GET', '/api/report?' + new URLSearchParams(q));
  const r = data.report;
  const from = r.from, to = r.to;
  q.from = from;
  q.to = to;
  const fromIn = h('input', { id: 'from', value: from, size: 10, pattern: '\\d{4}-\\d{2}-\\d{2}', title: 'YYYY-MM-DD' });
  const toIn = h('input', { id: 'to', value: to, size: 10, pattern: '\\d{4}-\\d{2}-\\d{2}', title: 'YYYY-MM-DD' });
  const portIn = h('input', { id: 'rport', value: port, placeholder: 'all ports', list: 'port-list', size: 8 });
  const ruleSel = h('select', { id: 'rule' }, h('option', { value: '' }, 'all rules'),
    r.rules.map((x) => h('option', { value: x.id, selected: x.id === rule }, x.id)));
  const filters = h('form', { class: 'filters noprint', onsubmit: (ev) => {
    ev.preventDefault();
    go('report', { from: fromIn.value, to: toIn.value, port: portIn.value.trim(), rule: ruleSel.value });
  } },
  h('label', { for: 'from' }, 'From '), fromIn, h('label', { for: 'to' }, ' to '), toIn,
  h('label', { for: 'rport' }, ' Port '), portIn,
  h('datalist', { id: 'port-list' }, ports.map((x) => h('option', { value: x.port }))),
  h('label', { for: 'rule' }, ' Rule '), ruleSel,
  h('button', { type: 'submit', class: 'primary' }, 'Show'),
  h('a', { class: 'button', href: '/api/report.csv?' + new URLSearchParams(q), download: 'hit-rates.csv' }, 'Download CSV'));
  const overall = r.groups.find((g) => g.dimension === 'overall');
  const byRule = r.groups.filter((g) => g.dimension === 'rule' && (!rule || g.rule === rule));
  const byPort = r.groups.filter((g) => g.dimension === 'port');
  // Explore picks are neither targeted nor control: their own column, when the period has any.
  const explore = overall && overall.explore && overall.explore.inspections > 0;
  const table = (rows, first, key) => h('table', { class: 'report' },
    h('thead', {}, h('tr', {}, h('th', {}, first), h('th', {}, 'Targeted'), h('th', {}, 'Random control'), h('th', {}, 'Lift'),
      explore ? h('th', {}, 'Explore') : null, h('th', {}, 'Other inspections'), h('th', {}, 'Severity / inspection'))),
    h('tbody', {}, rows.map((g) => h('tr', {}, h('th', { scope: 'row' }, g[key] || 'all'), rateCell(g.targeted), rateCell(g.random),
      liftCell(g), explore ? rateCell(g.explore) : null, rateCell(g.other), h('td', { class: 'num' }, num(g.severity_per_inspection, 2))))));
  show(h('h1', {}, 'Hit rates ', from, ' to ', to, port ? ' at ' + port : ''), filters,
    controlWarnings(data.control),
    overall ? h('section', { class: 'cards' },
      h('div', { class: 'card' }, h('div', { class: 'big' }, pct(overall.targeted.hit_rate)), 'targeted hit rate', h('div', { class: 'small' }, 'n = ' + overall.targeted.inspections)),
      h('div', { class: 'card' }, h('div', { class: 'big' }, pct(overall.random.hit_rate)), 'random control hit rate', h('div', { class: 'small' }, 'n = ' + overall.random.inspections)),
      explore ? h('div', { class: 'card explore' }, h('div', { class: 'big' }, pct(overall.explore.hit_rate)), 'explore hit rate',
        h('div', { class: 'small' }, 'n = ' + overall.explore.inspections + '; units picked to learn, apart from targeting and control')) : null,
      h('div', { class: 'card' }, h('div', { class: 'big' }, overall.lift ? num(overall.lift.value, 2) + '×' : '–'), 'lift',
        h('div', { class: 'small' }, overall.lift ? '95% ' + num(overall.lift.ci95[0], 2) + '–' + num(overall.lift.ci95[1], 2) : 'not estimable yet'))) : notice('No inspections in this period.'),
    monthChart(r.groups),
    h('h2', {}, 'By port'), table(byPort, 'Port', 'port'),
    h('h2', {}, 'By rule'), ruleChart(byRule, overall && overall.random), table(byRule, 'Rule', 'rule'),
    r.rules_never_fired && r.rules_never_fired.length ? h('p', {}, h('strong', {}, 'Rules that never fired: '), r.rules_never_fired.join(', ')) : null,
    r.rules_switched_off && r.rules_switched_off.length ? h('p', {}, h('strong', {}, 'Never fired, switched off in some run: '), r.rules_switched_off.join(', ')) : null,
    r.rules_never_hit && r.rules_never_hit.length ? h('p', {}, h('strong', {}, 'Rules that fired but never found anything: '), r.rules_never_hit.join(', ')) : null);
}

// ---- rule authors ----

async function renderPacks(show) {
  const runs = await api('GET', '/api/packs');
  const packs = new Map();
  for (const r of runs) {
    const k = r.pack_hash;
    if (!packs.has(k)) packs.set(k, { name: r.pack_name, version: r.pack_version, hash: k, runs: [], first: r.date, last: r.date });
    const p = packs.get(k);
    p.runs.push(r);
    if (r.date < p.first) p.first = r.date;
    if (r.date > p.last) p.last = r.date;
  }
  show(h('h1', {}, 'Packs and runs'),
    h('table', { class: 'packs' }, h('thead', {}, h('tr', {}, ['Pack', 'Version', 'SHA-256', 'Runs', 'First list', 'Last list', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, [...packs.values()].map((p) => h('tr', {}, h('td', {}, p.name), h('td', {}, p.version || ''),
        h('td', {}, h('code', {}, p.hash)), h('td', { class: 'num' }, String(p.runs.length)), h('td', {}, p.first), h('td', {}, p.last),
        h('td', {}, link('rules', { hash: p.hash }, 'Rule statistics')))))),
    h('h2', {}, 'Runs'),
    h('table', {}, h('thead', {}, h('tr', {}, ['Run', 'List date', 'Started', 'Pack', 'Seed', 'Lines', 'Rejected', 'Units', 'Selected', 'Input'].map((t) => h('th', {}, t)))),
      h('tbody', {}, runs.map((r) => h('tr', {}, h('td', { class: 'num' }, String(r.run_id)), h('td', {}, r.date), h('td', {}, r.started_at),
        h('td', {}, r.pack_name + ' ' + (r.pack_version || '') + ' ' + r.pack_hash.slice(0, 8)), h('td', {}, r.seed),
        h('td', { class: 'num' }, String(r.lines_read)), h('td', { class: 'num' }, String(r.lines_rejected)),
        h('td', { class: 'num' }, String(r.units)), h('td', { class: 'num' }, String(r.selected)), h('td', { class: 'small' }, r.inputs || ''))))));
}

function sparkline(values, cls, label) {
  const W = 160, H = 28, max = Math.max(1, ...values);
  const pts = values.map((v, i) => (values.length === 1 ? W / 2 : i * W / (values.length - 1)) + ',' + (H - 2 - (H - 4) * v / max));
  return s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'spark', role: 'img', 'aria-label': label },
    s('title', {}, label + ', oldest first; highest ' + Math.max(...values)),
    s('polyline', { points: pts.join(' '), class: 'line ' + cls }));
}

async function renderRules(show) {
  const hash = params().get('hash');
  const rows = await api('GET', '/api/rules?' + new URLSearchParams({ pack_hash: hash || '' }));
  const rules = new Map();
  for (const r of rows) {
    if (!rules.has(r.rule)) rules.set(r.rule, { id: r.rule, title: r.title, weight: r.weight, runs: [] });
    rules.get(r.rule).runs.push(r);
  }
  const sum = (arr, k) => arr.reduce((a, r) => a + (r[k] || 0), 0);
  show(h('p', {}, link('packs', {}, '← packs')), h('h1', {}, 'Rules of pack ', h('code', {}, (hash || '').slice(0, 12))),
    h('p', { class: 'small' }, 'Per rule over the runs of this pack: lines fired on, selected units it fired on, how many of those were inspected and what they found. The lines show, per run and oldest first, the lines it fired on and the findings of the units it selected.'),
    h('table', { class: 'rules' }, h('thead', {}, h('tr', {}, ['Rule', 'Title', 'Weight', 'Runs', 'Fires', 'Selected', 'Inspected', 'Findings', 'Hit rate', 'Fires (blue) and findings (red) per run'].map((t) => h('th', {}, t)))),
      h('tbody', {}, [...rules.values()].map((r) => {
        const insp = sum(r.runs, 'inspected'), hits = sum(r.runs, 'hits');
        return h('tr', {}, h('td', {}, r.id), h('td', {}, r.title), h('td', { class: 'num' }, num(r.weight, 0)), h('td', { class: 'num' }, String(r.runs.length)),
          h('td', { class: 'num' }, String(sum(r.runs, 'fires'))), h('td', { class: 'num' }, String(sum(r.runs, 'selected'))),
          h('td', { class: 'num' }, String(insp)), h('td', { class: 'num' }, String(hits)),
          h('td', { class: 'num' }, insp ? pct(hits / insp) : '–', h('div', { class: 'small' }, 'n = ' + insp)),
          h('td', {}, sparkline(r.runs.map((x) => x.fires || 0), 'targeted', 'lines fired on per run'),
            h('br'), sparkline(r.runs.map((x) => x.hits || 0), 'finding', 'findings per run')));
      }))));
}

async function renderBacktest(show) {
  const out = h('div', { id: 'backtest-out' });
  const input = h('input', { id: 'btfile', type: 'file', accept: '.json,application/json', onchange: async () => {
    out.replaceChildren();
    const f = input.files[0];
    if (!f) return;
    let data;
    try { data = JSON.parse(await f.text()); } catch (e) { out.append(notice('Not a JSON file: ' + e.message, 'bad')); return; }
    if (!data.a || !data.b || !data.compare) { out.append(notice('This is not the output of boxrank backtest --compare --json.', 'bad')); return; }
    const periods = data.a.periods.map((pa, i) => [pa, data.b.periods[i]]);
    out.append(h('h2', {}, 'Precision and recall at k'),
      h('table', {}, h('thead', {}, h('tr', {}, ['Period', 'k', 'A precision', 'B precision', 'A recall', 'B recall', 'A hits', 'B hits'].map((t) => h('th', {}, t)))),
        h('tbody', {}, periods.flatMap(([pa, pb]) => pa.at.map((a, j) => {
          const b = pb ? pb.at[j] : {};
          return h('tr', {}, h('td', {}, pa.period), h('td', { class: 'num' }, String(a.k)), h('td', { class: 'num' }, pct(a.precision)), h('td', { class: 'num' }, pct(b.precision)),
            h('td', { class: 'num' }, pct(a.recall)), h('td', { class: 'num' }, pct(b.recall)), h('td', { class: 'num' }, a.hits + ' of ' + a.inspected), h('td', { class: 'num' }, b.hits + ' of ' + b.inspected));
        })))),
      h('h2', {}, 'Units entering and leaving the lists with B'),
      ...data.compare.map((c) => h('details', {}, h('summary', {}, c.period + ' at k=' + c.k + ': ' + c.entering.length + ' entering, ' + c.leaving.length + ' leaving'),
        h('table', {}, h('thead', {}, h('tr', {}, ['', 'Port', 'Unit', 'Score', 'Label', 'Rules'].map((t) => h('th', {}, t)))),
          h('tbody', {}, [...c.entering.map((u) => ['enters', u]), ...c.leaving.map((u) => ['leaves', u])].map(([w, u]) =>
            h('tr', {}, h('td', {}, w), h('td', {}, u.port), h('td', {}, u.unit), h('td', { class: 'num' }, num(u.score, 1)), h('td', { class: 'num' }, String(u.label)), h('td', {}, (u.rules || []).join(' ')))))))));
  } });
  show(h('h1', {}, 'Open a backtest comparison'),
    h('p', {}, 'Choose a file saved with ', h('code', {}, 'boxrank backtest --compare OTHER_PACK --json FILE'), '. It is read in this browser only.'),
    h('label', { for: 'btfile' }, 'Backtest JSON '), input, out);
}

// ---- audit and users ----

async function renderAudit(show) {
  const p = params();
  const q = {};
  for (const k of ['action', 'who', 'from', 'to']) if (p.get(k)) q[k] = p.get(k);
  const rows = await api('GET', '/api/audit?' + new URLSearchParams(q));
  const action = h('select', { id: 'action' }, ['', 'login', 'result', 'exception', 'hit', 'user', 'run'].map((a) =>
    h('option', { value: a, selected: a === (q.action || '') }, a || 'everything')));
  const who = h('input', { id: 'awho', value: q.who || '', placeholder: 'anyone', size: 12 });
  show(h('h1', {}, 'Audit trail'),
    h('form', { class: 'filters', onsubmit: (ev) => { ev.preventDefault(); go('audit', { action: action.value, who: who.value.trim() }); } },
      h('label', { for: 'action' }, 'What '), action, h('label', { for: 'awho' }, ' Who '), who, h('button', { type: 'submit', class: 'primary' }, 'Show')),
    h('p', { class: 'small' }, 'Append-only: rows are never changed or deleted. Newest first.'),
    h('table', { class: 'audit' }, h('thead', {}, h('tr', {}, ['When (UTC)', 'Who', 'What', 'On', 'Details'].map((t) => h('th', {}, t)))),
      h('tbody', {}, rows.map((r) => h('tr', { class: 'audit-row' }, h('td', {}, r.at), h('td', {}, r.who), h('td', {}, r.action), h('td', {}, r.target), h('td', {}, r.detail))))));
}

const ROLES = ['analyst', 'rule_author', 'commission', 'admin'];

async function renderUsers(show) {
  const rows = await api('GET', '/api/users');
  const p = params();
  const msg = h('span', { class: 'form-msg', role: 'status' });
  if (p.get('done')) { msg.textContent = p.get('done'); msg.className = 'form-msg ok'; }
  // Every change answers with a fresh list; the message says what was done.
  const change = async (path, body, done) => {
    try {
      await api('POST', path, body);
      const before = location.hash;
      go('users', { done, edit: p.get('edit') });
      if (location.hash === before) route();
    } catch (e) { msg.textContent = e.message; msg.className = 'form-msg bad'; }
  };
  const name = h('input', { id: 'uname', required: true });
  const role = h('select', { id: 'urole' }, ROLES.map((r) => h('option', { value: r }, r)));
  const ports = h('input', { id: 'uports', placeholder: 'IQUQR IQBSR' });
  const pass = h('input', { id: 'upass', type: 'password', autocomplete: 'new-password', minlength: 10, required: true });
  const editing = rows.find((u) => u.name === p.get('edit'));
  show(h('h1', {}, 'Users'),
    h('p', { class: 'small' }, 'Accounts are never deleted: the audit trail names them. Disabling ends the user\'s sessions at once; enabling restores the old password.'),
    msg,
    h('table', { class: 'users' }, h('thead', {}, h('tr', {}, ['Name', 'Role', 'Ports', 'State', 'Last login (UTC)', 'Added', 'By', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, rows.map((u) => h('tr', { class: 'user-row' + (u.disabled ? ' disabled' : ''), 'data-name': u.name },
        h('td', { class: 'party' }, u.name), h('td', {}, u.role), h('td', {}, u.ports || '–'),
        h('td', {}, h('span', { class: 'status ' + (u.disabled ? 'disabled' : 'enabled') }, u.disabled ? 'disabled' : 'active')),
        h('td', {}, u.last_login || 'never'), h('td', {}, u.created_at), h('td', {}, u.created_by),
        h('td', { class: 'row-actions' },
          u.disabled
            ? h('button', { class: 'enable', onclick: () => change('/api/users/enable', { name: u.name }, u.name + ' enabled') }, 'Enable')
            : h('button', { class: 'disable', onclick: () => change('/api/users/disable', { name: u.name }, u.name + ' disabled; their sessions ended') }, 'Disable'),
          link('users', { edit: u.name }, 'Role, ports, password…')))))),
    editing ? userEditor(editing, change) : null,
    h('h2', {}, 'Add a user'),
    h('form', { class: 'user-form', onsubmit: async (ev) => {
      ev.preventDefault();
      await change('/api/users', { name: name.value, role: role.value, ports: ports.value, password: pass.value }, name.value + ' added');
    } }, h('label', { for: 'uname' }, 'Name'), name, h('label', { for: 'urole' }, 'Role'), role,
    h('label', { for: 'uports' }, 'Ports (analysts)'), ports, h('label', { for: 'upass' }, 'Password (10 or more characters)'), pass,
    h('button', { type: 'submit', class: 'primary' }, 'Add user')));
}

// Role and ports, and a new password, for one account.
function userEditor(u, change) {
  const role = h('select', { id: 'erole' }, ROLES.map((r) => h('option', { value: r, selected: r === u.role }, r)));
  const ports = h('input', { id: 'eports', value: u.ports || '', placeholder: 'IQUQR IQBSR' });
  const pass = h('input', { id: 'epass', type: 'password', autocomplete: 'new-password', minlength: 10, required: true });
  return h('section', { class: 'user-edit' }, h('h2', {}, 'Change ' + u.name),
    h('form', { class: 'user-form role-form', onsubmit: async (ev) => {
      ev.preventDefault();
      await change('/api/users/update', { name: u.name, role: role.value, ports: ports.value }, u.name + ' changed');
    } }, h('label', { for: 'erole' }, 'Role'), role, h('label', { for: 'eports' }, 'Ports (analysts)'), ports,
    h('button', { type: 'submit', class: 'primary' }, 'Save role and ports')),
    h('form', { class: 'user-form password-form', onsubmit: async (ev) => {
      ev.preventDefault();
      await change('/api/users/password', { name: u.name, password: pass.value }, 'new password set for ' + u.name + '; their sessions ended');
    } }, h('label', { for: 'epass' }, 'New password (10 or more characters)'), pass,
    h('button', { type: 'submit' }, 'Set password')),
    h('p', { class: 'small' }, link('users', {}, 'Close')));
}

// ---- start ----

window.addEventListener('hashchange', route);
(async () => {
  try {
    state.session = await api('GET', '/api/session');
    frame();
    route();
  } catch (e) {
    renderLogin();
  }
})();
