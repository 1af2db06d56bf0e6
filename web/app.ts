/**
 * Vigil dashboard: a dependency-free single-page app (hash routes) over the
 * analyst API. Views: overview (#/), alerts (#/alerts), identity
 * (#/identity/<id>). Polls every POLL_MS; a route that is missing or fails
 * shows "unavailable" instead of breaking the page. The bearer token the
 * analyst pastes is kept in sessionStorage and sent with every API call.
 */

import { effectivenessPanel } from './effectiveness.js';
import { esc, type Json } from './html.js';
import { modelHealthView } from './model-health.js';

const POLL_MS = 3000;
const EVENT_ROWS = 40;
const TOKEN_KEY = 'vigil.token';
const VERDICTS_KEY = 'vigil.verdicts';
const COLORS = [
  '#4aa3ff',
  '#ff5d5d',
  '#ffb547',
  '#46c98b',
  '#c77dff',
  '#ff8fab',
  '#5ee6e6',
  '#d4d46a',
  '#9aa5b1',
];

type Verdict = 'true_positive' | 'false_positive';

interface Alert {
  id: string;
  time: number;
  identity: string;
  detector: string;
  severity: number;
  risk: number;
  summary: string;
  verdict?: string;
}

interface IdentityRow {
  id: string;
  risk: number;
  events?: number;
  lastSeen?: number;
}

interface EventRow {
  id: string;
  time: number;
  risk: number;
  detectors: string[];
  explanation: string;
}

// ---------- small helpers ----------

const $ = (id: string) => document.getElementById(id);

function pick(obj: unknown, ...keys: string[]): unknown {
  if (!obj || typeof obj !== 'object') return undefined;
  for (const key of keys) {
    const value = (obj as Json)[key];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

function num(value: unknown, fallback = 0): number {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : fallback;
}

/** Epoch ms from ms, s or an ISO string. */
function toMs(value: unknown): number {
  if (typeof value === 'string' && Number.isNaN(Number(value))) return Date.parse(value) || 0;
  const n = num(value);
  return n > 0 && n < 1e11 ? n * 1000 : n;
}

/** The list in an answer: a bare array or the first array property. */
function listOf(body: unknown, ...keys: string[]): Json[] {
  if (Array.isArray(body)) return body as Json[];
  const named = pick(body, ...keys, 'items', 'data', 'results');
  if (Array.isArray(named)) return named as Json[];
  if (body && typeof body === 'object') {
    for (const value of Object.values(body)) if (Array.isArray(value)) return value as Json[];
  }
  return [];
}

function fmtTime(ms: number): string {
  if (!ms) return '—';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

function riskBadge(risk: number): string {
  const r = risk > 1 ? risk / 100 : risk;
  const cls = r >= 0.7 ? 'r-high' : r >= 0.4 ? 'r-mid' : 'r-low';
  return `<span class="risk ${cls}">${esc(risk > 1 || Number.isInteger(risk) ? risk.toFixed(0) : risk.toFixed(2))}</span>`;
}

function unavailable(what: string): string {
  return `<p class="unavailable">${esc(what)} unavailable</p>`;
}

function identityLink(id: string): string {
  return `<a href="#/identity/${encodeURIComponent(id)}">${esc(id)}</a>`;
}

// ---------- API ----------

function token(): string {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const t = token();
  return t ? { ...extra, authorization: `Bearer ${t}` } : extra;
}

/** GET; undefined when the route is missing or fails. */
async function get(path: string): Promise<unknown | undefined> {
  try {
    const response = await fetch(path, { headers: headers({ accept: 'application/json' }) });
    if (!response.ok) return undefined;
    const type = response.headers.get('content-type') ?? '';
    return type.includes('json') ? await response.json() : await response.text();
  } catch {
    return undefined;
  }
}

/** A stored verdict or triage status; `open` (no verdict yet) is none. */
function verdictOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && value !== 'open' ? value : undefined;
}

function toAlert(raw: Json): Alert {
  const fb = pick(raw, 'feedback');
  return {
    id: String(pick(raw, 'id', 'alert_id') ?? ''),
    time: toMs(pick(raw, 'time_ms', 'time', 'timestamp', 'at')),
    identity: String(pick(raw, 'identity', 'identity_id', 'user') ?? ''),
    detector: String(pick(raw, 'detector', 'kind', 'type') ?? 'unknown'),
    severity: num(pick(raw, 'severity')),
    risk: num(pick(raw, 'risk', 'score')),
    summary: String(pick(raw, 'summary', 'message', 'description') ?? ''),
    verdict: verdictOf(pick(raw, 'verdict') ?? pick(fb, 'verdict') ?? pick(raw, 'status')),
  };
}

function toIdentity(raw: Json): IdentityRow {
  return {
    id: String(pick(raw, 'id', 'identity', 'name') ?? ''),
    risk: num(pick(raw, 'max_risk', 'risk', 'score')),
    events:
      pick(raw, 'events', 'event_count') === undefined ? undefined : num(pick(raw, 'events', 'event_count')),
    lastSeen: toMs(pick(raw, 'last_seen_ms', 'last_seen', 'time')),
  };
}

function explain(raw: Json): string {
  const text = pick(raw, 'explanation', 'explain', 'reason', 'summary');
  if (typeof text === 'string') return text;
  if (Array.isArray(text)) return text.map((t) => (typeof t === 'string' ? t : JSON.stringify(t))).join('; ');
  const components = pick(raw, 'components');
  if (components && typeof components === 'object') {
    return Object.entries(components as Record<string, number>)
      .filter(([, v]) => num(v) > 0)
      .sort((a, b) => num(b[1]) - num(a[1]))
      .map(([k, v]) => `${k} ${num(v).toFixed(2)}`)
      .join(', ');
  }
  return '';
}

function toEvent(raw: Json): EventRow {
  const detectors = pick(raw, 'detectors');
  return {
    id: String(pick(raw, 'event_id', 'id') ?? ''),
    time: toMs(pick(raw, 'time_ms', 'time', 'timestamp')),
    risk: num(pick(raw, 'risk', 'score')),
    detectors: Array.isArray(detectors) ? detectors.map(String) : [],
    explanation: explain(raw),
  };
}

// Verdicts given in this tab, so the UI shows them even before the API reflects them.
function localVerdicts(): Record<string, Verdict> {
  try {
    return JSON.parse(sessionStorage.getItem(VERDICTS_KEY) ?? '{}') as Record<string, Verdict>;
  } catch {
    return {};
  }
}

async function sendFeedback(id: string, verdict: Verdict): Promise<string | undefined> {
  if (!token()) return 'paste a bearer token first';
  try {
    const response = await fetch(`/api/alerts/${encodeURIComponent(id)}/feedback`, {
      method: 'POST',
      headers: headers({ 'content-type': 'application/json' }),
      body: JSON.stringify({ verdict }),
    });
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as Json;
      return `${response.status}: ${String(body.message ?? response.statusText)}`;
    }
    sessionStorage.setItem(VERDICTS_KEY, JSON.stringify({ ...localVerdicts(), [id]: verdict }));
    return undefined;
  } catch (error) {
    return String(error);
  }
}

/** The answer to the last revoke/reset, shown on that identity's page. */
let lastAction = { identity: '', message: '' };

/** Revoke or reset an identity through the engine; returns what the server says happened. */
async function sendAction(identity: string, action: 'revoke' | 'reset'): Promise<string> {
  if (!token()) return 'paste a bearer token first';
  try {
    const response = await fetch(`/api/identities/${encodeURIComponent(identity)}/${action}`, {
      method: 'POST',
      headers: headers({ 'content-type': 'application/json' }),
      body: JSON.stringify({ reason: `from the dashboard` }),
    });
    const body = (await response.json().catch(() => ({}))) as Json;
    if (!response.ok) {
      const error = pick(body, 'error') as Json | undefined;
      return `${action} failed: ${response.status} ${String(pick(error, 'message') ?? response.statusText)}`;
    }
    return `${action}: ${body.enforced ? 'enforced' : 'not enforced'}: ${String(body.detail ?? '')}`;
  } catch (error) {
    return `${action} failed: ${String(error)}`;
  }
}

// ---------- SVG charts ----------

/** Stacked bars: alerts per time bucket, one colour per detector. */
function alertsChart(alerts: Alert[]): string {
  const dated = alerts.filter((a) => a.time > 0);
  if (dated.length === 0) return '<p class="muted">No alerts yet.</p>';
  const detectors = [...new Set(dated.map((a) => a.detector))].sort();
  const min = Math.min(...dated.map((a) => a.time));
  const max = Math.max(...dated.map((a) => a.time));
  const buckets = 30;
  const width = Math.max(1, max - min) / buckets;
  const counts = Array.from({ length: buckets }, () => new Map<string, number>());
  for (const a of dated) {
    const i = Math.min(buckets - 1, Math.floor((a.time - min) / width));
    counts[i].set(a.detector, (counts[i].get(a.detector) ?? 0) + 1);
  }
  const peak = Math.max(1, ...counts.map((m) => [...m.values()].reduce((s, v) => s + v, 0)));
  const W = 1000;
  const H = 180;
  const pad = 24;
  const bw = (W - pad) / buckets;
  let bars = '';
  counts.forEach((m, i) => {
    let y = H - pad;
    detectors.forEach((d, j) => {
      const c = m.get(d) ?? 0;
      if (!c) return;
      const h = (c / peak) * (H - pad - 6);
      y -= h;
      bars += `<rect x="${(pad + i * bw + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[j % COLORS.length]}"><title>${esc(d)}: ${c}</title></rect>`;
    });
  });
  const axis =
    `<line x1="${pad}" y1="${H - pad}" x2="${W}" y2="${H - pad}" stroke="#2a3542"/>` +
    `<text x="${pad}" y="${H - 8}">${esc(fmtTime(min).slice(5, 16))}</text>` +
    `<text x="${W}" y="${H - 8}" text-anchor="end">${esc(fmtTime(max).slice(5, 16))}</text>` +
    `<text x="0" y="12">${peak}</text><text x="0" y="${H - pad}">0</text>`;
  const legend = detectors
    .map((d, j) => `<span><i style="background:${COLORS[j % COLORS.length]}"></i>${esc(d)}</span>`)
    .join('');
  return `<svg id="alerts-chart" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="alerts over time by detector">${axis}${bars}</svg><div class="legend">${legend}</div>`;
}

/** Line of risk over time. */
function riskChart(points: { time: number; risk: number }[]): string {
  const pts = points.filter((p) => p.time > 0).sort((a, b) => a.time - b.time);
  if (pts.length === 0) return '<p class="muted">No scored events.</p>';
  const W = 600;
  const H = 140;
  const pad = 24;
  const t0 = pts[0].time;
  const t1 = pts[pts.length - 1].time;
  const span = Math.max(1, t1 - t0);
  const top = Math.max(1, ...pts.map((p) => p.risk));
  const x = (t: number) => pad + ((t - t0) / span) * (W - pad - 4);
  const y = (r: number) => H - pad - (r / top) * (H - pad - 8);
  const path = pts.map((p, i) => `${i ? 'L' : 'M'}${x(p.time).toFixed(1)},${y(p.risk).toFixed(1)}`).join('');
  const dots = pts
    .map(
      (p) =>
        `<circle cx="${x(p.time).toFixed(1)}" cy="${y(p.risk).toFixed(1)}" r="2.5" fill="#4aa3ff"><title>${esc(fmtTime(p.time))}: ${p.risk.toFixed(2)}</title></circle>`,
    )
    .join('');
  return (
    `<svg id="risk-chart" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="risk timeline">` +
    `<line x1="${pad}" y1="${H - pad}" x2="${W}" y2="${H - pad}" stroke="#2a3542"/>` +
    `<text x="0" y="12">${top > 1 ? top.toFixed(0) : top.toFixed(2)}</text><text x="0" y="${H - pad}">0</text>` +
    `<text x="${pad}" y="${H - 8}">${esc(fmtTime(t0))}</text><text x="${W}" y="${H - 8}" text-anchor="end">${esc(fmtTime(t1))}</text>` +
    `<path d="${path}" fill="none" stroke="#4aa3ff" stroke-width="1.5"/>${dots}</svg>`
  );
}

/** 7 × 24 grid of activity (UTC), rows Monday..Sunday. */
function heatmap(cells: number[]): string {
  const peak = Math.max(1, ...cells);
  const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const cw = 22;
  const ch = 16;
  const left = 32;
  let out = '';
  for (let d = 0; d < 7; d++) {
    out += `<text x="0" y="${14 + d * ch + 11}">${days[d]}</text>`;
    for (let h = 0; h < 24; h++) {
      const v = cells[d * 24 + h] ?? 0;
      const a = v ? 0.15 + 0.85 * (v / peak) : 0.04;
      out += `<rect x="${left + h * cw}" y="${14 + d * ch}" width="${cw - 2}" height="${ch - 2}" rx="2" fill="rgba(74,163,255,${a.toFixed(2)})"><title>${days[d]} ${h}:00 UTC: ${v}</title></rect>`;
    }
  }
  for (let h = 0; h < 24; h += 3) out += `<text x="${left + h * cw}" y="10">${h}h</text>`;
  return `<svg id="heatmap" viewBox="0 0 ${left + 24 * cw} ${14 + 7 * ch}" width="100%" role="img" aria-label="hour-of-week activity">${out}</svg>`;
}

/** Hour-of-week cells from the API (7×24 array, flat or nested) or from event times. */
function activityCells(detail: unknown, events: EventRow[]): number[] {
  const given =
    pick(detail, 'hour_of_week', 'activity', 'heatmap', 'hours') ??
    pick(pick(detail, 'baseline'), 'hour_of_week');
  if (Array.isArray(given)) {
    const flat = (given as unknown[]).flat().map((v) => num(v));
    if (flat.length === 168) return flat;
  }
  const cells = new Array<number>(168).fill(0);
  for (const e of events) {
    if (!e.time) continue;
    const date = new Date(e.time);
    const day = (date.getUTCDay() + 6) % 7;
    cells[day * 24 + date.getUTCHours()]++;
  }
  return cells;
}

// ---------- views ----------

let lastEvents: { count: number; at: number } | undefined;
let eventsPerSecond: number | undefined;

/** Events/s from /metrics: the rate of the first *events*_total counter (not dead letters). */
async function updateRate(): Promise<void> {
  const text = await get('/metrics');
  if (typeof text !== 'string') {
    eventsPerSecond = undefined;
    return;
  }
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^(vigil_[a-z_]*events[a-z_]*_total)(\{[^}]*\})?\s+([0-9.e+]+)/.exec(line);
    if (m && !/dead|drop|fail/.test(m[1])) total = (total ?? 0) + Number(m[3]);
  }
  if (total === undefined) {
    eventsPerSecond = undefined;
    return;
  }
  const now = performance.now();
  if (lastEvents && now > lastEvents.at)
    eventsPerSecond = ((total - lastEvents.count) * 1000) / (now - lastEvents.at);
  lastEvents = { count: total, at: now };
}

async function fetchAlerts(query = ''): Promise<Alert[] | undefined> {
  const body = await get(`/api/alerts?limit=500${query}`);
  if (body === undefined) return undefined;
  const mine = localVerdicts();
  return listOf(body, 'alerts').map((raw) => {
    const a = toAlert(raw);
    return { ...a, verdict: a.verdict ?? mine[a.id] };
  });
}

async function overview(): Promise<string> {
  const [alerts, identitiesBody, decisionsBody] = await Promise.all([
    fetchAlerts(),
    get('/api/identities?limit=10'),
    get('/api/decisions?limit=10'),
    updateRate(),
  ]);
  const identities =
    identitiesBody === undefined ? undefined : listOf(identitiesBody, 'identities').map(toIdentity);
  const rate =
    eventsPerSecond !== undefined
      ? eventsPerSecond.toFixed(0)
      : lastEvents
        ? '<span class="muted">measuring…</span>'
        : '<span class="unavailable">unavailable</span>';
  const cards = `<div class="cards">
    <div class="panel"><h2>Events / s</h2><div class="big" id="eps">${rate}</div></div>
    <div class="panel"><h2>Alerts</h2><div class="big" id="alert-count">${alerts ? alerts.length : '<span class="unavailable">unavailable</span>'}</div></div>
    <div class="panel"><h2>Highest identity risk</h2><div class="big">${identities ? (identities.length ? riskBadge(Math.max(...identities.map((i) => i.risk))) : '—') : '<span class="unavailable">unavailable</span>'}</div></div>
  </div>`;
  const chart = `<div class="panel"><h2>Alerts over time by detector</h2>${alerts ? alertsChart(alerts) : unavailable('Alerts')}</div>`;
  const top = identities
    ? `<table><tr><th>Identity</th><th>Max risk</th><th>Events</th><th>Last seen</th></tr>${[...identities]
        .sort((a, b) => b.risk - a.risk)
        .slice(0, 10)
        .map(
          (i) =>
            `<tr><td>${identityLink(i.id)}</td><td>${riskBadge(i.risk)}</td><td class="num">${i.events ?? ''}</td><td class="nowrap">${esc(fmtTime(i.lastSeen ?? 0).slice(5, 16))}</td></tr>`,
        )
        .join('')}</table>`
    : unavailable('Identities');
  const recent = alerts
    ? `<table><tr><th>Time</th><th>Identity</th><th>Detector</th><th>Risk</th></tr>${[...alerts]
        .sort((a, b) => b.time - a.time)
        .slice(0, 10)
        .map(
          (a) =>
            `<tr><td class="nowrap">${esc(fmtTime(a.time).slice(5, 16))}</td><td>${identityLink(a.identity)}</td><td>${esc(a.detector)}</td><td>${riskBadge(a.risk)}</td></tr>`,
        )
        .join('')}</table>`
    : unavailable('Alerts');
  const decisions =
    decisionsBody === undefined
      ? unavailable('Decisions')
      : `<table id="decisions-table"><tr><th>Time</th><th>Identity</th><th>Decision</th><th>By</th></tr>${listOf(
          decisionsBody,
          'decisions',
        )
          .slice(0, 10)
          .map(
            (d) =>
              `<tr title="${esc(pick(d, 'reason') ?? '')}"><td class="nowrap">${esc(fmtTime(toMs(pick(d, 'time_ms', 'time', 'at'))).slice(5, 16))}</td><td>${identityLink(String(pick(d, 'identity', 'subject') ?? ''))}</td><td>${esc(String(pick(d, 'action', 'decision', 'kind') ?? '').replaceAll('_', ' '))}${pick(d, 'mode') && pick(d, 'mode') !== 'enforce' ? ` <span class="muted">(${esc(pick(d, 'mode'))})</span>` : ''}</td><td>${esc(pick(d, 'actor') ?? '')}</td></tr>`,
          )
          .join('')}</table>`;
  return `${cards}${await effectivenessPanel(get)}${chart}<div class="grid wide-middle">
    <div class="panel"><h2>Top risky identities</h2>${top}</div>
    <div class="panel"><h2>Recent alerts</h2>${recent}</div>
    <div class="panel"><h2>Recent decisions</h2>${decisions}</div>
  </div>`;
}

const filters = { detector: '', identity: '', minRisk: '', verdict: '' };

async function alertsView(): Promise<string> {
  const alerts = await fetchAlerts();
  if (!alerts) return `<div class="panel"><h2>Alerts</h2>${unavailable('Alerts')}</div>`;
  const detectors = [...new Set(alerts.map((a) => a.detector))].sort();
  const shown = alerts
    .filter((a) => !filters.detector || a.detector === filters.detector)
    .filter((a) => !filters.identity || a.identity.toLowerCase().includes(filters.identity.toLowerCase()))
    .filter((a) => !filters.minRisk || a.risk >= Number(filters.minRisk))
    .filter(
      (a) => !filters.verdict || (filters.verdict === 'none' ? !a.verdict : a.verdict === filters.verdict),
    )
    .sort((a, b) => b.time - a.time)
    .slice(0, 200);
  const option = (value: string, label: string, current: string) =>
    `<option value="${esc(value)}"${value === current ? ' selected' : ''}>${esc(label)}</option>`;
  const bar = `<div class="filters">
    <select id="f-detector">${option('', 'all detectors', filters.detector)}${detectors.map((d) => option(d, d, filters.detector)).join('')}</select>
    <input id="f-identity" placeholder="identity contains" value="${esc(filters.identity)}">
    <input id="f-risk" type="number" step="any" placeholder="min risk" value="${esc(filters.minRisk)}" style="width:90px">
    <select id="f-verdict">${option('', 'any verdict', filters.verdict)}${option('none', 'no verdict', filters.verdict)}${option('true_positive', 'true positive', filters.verdict)}${option('false_positive', 'false positive', filters.verdict)}</select>
    <span class="muted">${shown.length} of ${alerts.length}</span>
  </div>`;
  const rows = shown
    .map(
      (a) => `<tr data-alert="${esc(a.id)}">
      <td>${esc(fmtTime(a.time))}</td><td>${identityLink(a.identity)}</td><td>${esc(a.detector)}</td>
      <td>${riskBadge(a.risk)}</td><td>${esc(a.summary)}</td>
      <td class="fb">${
        a.verdict
          ? `<span class="verdict ${esc(a.verdict)}">${a.verdict === 'true_positive' ? 'true positive' : 'false positive'}</span>`
          : `<button data-verdict="true_positive" data-id="${esc(a.id)}">True +</button> <button data-verdict="false_positive" data-id="${esc(a.id)}">False +</button>`
      }</td></tr>`,
    )
    .join('');
  return `<div class="panel"><h2>Alerts</h2>${bar}<div id="fb-message" class="error"></div>
    <table id="alerts-table"><tr><th>Time</th><th>Identity</th><th>Detector</th><th>Risk</th><th>Summary</th><th>Feedback</th></tr>${rows}</table></div>`;
}

async function identityView(id: string): Promise<string> {
  const [detail, alerts] = await Promise.all([
    get(`/api/identities/${encodeURIComponent(id)}`),
    fetchAlerts(`&identity=${encodeURIComponent(id)}`),
  ]);
  const mine = alerts?.filter((a) => a.identity === id);
  const title = `<div class="panel"><h2>Identity</h2><div class="big" id="identity-name">${esc(id)}</div>${
    detail === undefined
      ? unavailable('Identity details')
      : `<div>Risk ${riskBadge(num(pick(detail, 'risk_now', 'risk', 'score', 'max_risk')))} ${esc(pick(detail, 'type', 'identity_type') ?? '')}</div>`
  }<div class="actions"><button data-act="revoke" data-identity="${esc(id)}">Revoke sessions</button> <button data-act="reset" data-identity="${esc(id)}">Reset risk</button> <span id="act-message" class="muted">${lastAction.identity === id ? esc(lastAction.message) : ''}</span></div></div>`;
  if (detail === undefined) {
    return `${title}<div class="panel"><h2>Alerts</h2>${mine ? alertTable(mine) : unavailable('Alerts')}</div>`;
  }
  const events = listOf(pick(detail, 'events', 'recent_events', 'scores') ?? [], 'events').map(toEvent);
  const timelineRaw = pick(detail, 'risk_over_time', 'risk_timeline', 'timeline');
  const timeline = Array.isArray(timelineRaw)
    ? (timelineRaw as Json[]).map((p) => ({
        time: toMs(pick(p, 'bucket_ms', 'time_ms', 'time', 't')),
        risk: num(pick(p, 'max_risk', 'risk', 'avg_risk', 'value')),
      }))
    : events.map((e) => ({ time: e.time, risk: e.risk }));
  const baseline = pick(detail, 'baseline', 'profile') ?? detail;
  const tags = (value: unknown) => {
    const list = Array.isArray(value) ? value : value && typeof value === 'object' ? Object.keys(value) : [];
    return list.length
      ? `<div class="tags">${list.map((v) => `<span>${esc(typeof v === 'object' ? (pick(v, 'id', 'name', 'value') ?? JSON.stringify(v)) : v)}</span>`).join('')}</div>`
      : '<p class="muted">none known</p>';
  };
  const eventRows = [...events]
    .sort((a, b) => b.time - a.time)
    .slice(0, EVENT_ROWS)
    .map(
      (e) =>
        `<tr><td>${esc(fmtTime(e.time))}</td><td>${riskBadge(e.risk)}</td><td>${esc(e.detectors.join(', '))}</td><td>${esc(e.explanation)}</td></tr>`,
    )
    .join('');
  return `${title}
    <div class="grid">
      <div class="panel"><h2>Risk timeline</h2>${riskChart(timeline)}</div>
      <div class="panel"><h2>Activity (hour of week, UTC${pick(pick(detail, 'baseline'), 'hour_of_week') ? ', baseline' : ', recent events'})</h2>${heatmap(activityCells(detail, events))}</div>
    </div>
    <div class="grid">
      <div class="panel"><h2>Known devices</h2>${tags(pick(baseline, 'devices', 'known_devices'))}</div>
      <div class="panel"><h2>Known countries</h2>${tags(pick(baseline, 'countries', 'known_countries'))}</div>
    </div>
    <div class="panel"><h2>Alerts</h2>${mine ? alertTable(mine) : unavailable('Alerts')}</div>
    <div class="panel"><h2>Event timeline</h2>${
      events.length
        ? `<p class="muted">${Math.min(EVENT_ROWS, events.length)} most recent of ${events.length}</p><table id="events-table"><tr><th>Time</th><th>Risk</th><th>Detectors</th><th>Explanation</th></tr>${eventRows}</table>`
        : '<p class="muted">No events.</p>'
    }</div>`;
}

function alertTable(alerts: Alert[]): string {
  if (alerts.length === 0) return '<p class="muted">No alerts.</p>';
  return `<table><tr><th>Time</th><th>Detector</th><th>Risk</th><th>Summary</th><th>Verdict</th></tr>${[
    ...alerts,
  ]
    .sort((a, b) => b.time - a.time)
    .map(
      (a) =>
        `<tr><td>${esc(fmtTime(a.time))}</td><td>${esc(a.detector)}</td><td>${riskBadge(a.risk)}</td><td>${esc(a.summary)}</td><td>${a.verdict ? `<span class="verdict ${esc(a.verdict)}">${esc(a.verdict.replace('_', ' '))}</span>` : ''}</td></tr>`,
    )
    .join('')}</table>`;
}

// ---------- models and pipeline health ----------

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text exposition → samples (comments skipped; label values unescaped). */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]] = pair[2].replace(/\\(.)/g, (_x, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

/** Sum of a metric's samples grouped by one label. */
function byLabel(samples: Sample[], name: string, label: string): [string, number][] {
  const sums = new Map<string, number>();
  for (const sample of samples) {
    if (sample.name !== name) continue;
    const key = sample.labels[label] ?? '';
    sums.set(key, (sums.get(key) ?? 0) + sample.value);
  }
  return [...sums].sort((a, b) => b[1] - a[1]);
}

/** Upper bound of the bucket holding quantile `q` of a Prometheus histogram (cumulative buckets). */
function histogramQuantile(samples: Sample[], name: string, q: number): number | undefined {
  const buckets = samples
    .filter((s) => s.name === `${name}_bucket`)
    .map((s) => ({
      le: s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le),
      count: s.value,
    }))
    .sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return undefined;
  return buckets.find((b) => b.count >= q * total)?.le;
}

function countTable(id: string, title: string, rows: [string, number][]): string {
  const body = rows.length
    ? `<table id="${id}">${rows.map(([key, value]) => `<tr><td>${esc(key || '—')}</td><td class="num">${esc(value)}</td></tr>`).join('')}</table>`
    : '<p class="muted">none yet</p>';
  return `<div class="panel"><h2>${esc(title)}</h2>${body}</div>`;
}

async function modelsView(): Promise<string> {
  return `<div id="models-page">${await modelHealthView(get)}</div>`;
}

async function healthView(): Promise<string> {
  const [ready, metricsText] = await Promise.all([
    fetch('/readyz')
      .then((r) => r.json() as Promise<Json>)
      .catch(() => undefined),
    get('/metrics'),
  ]);
  const checks = (pick(ready, 'checks') ?? {}) as Record<string, boolean>;
  const readiness = ready
    ? `<div class="panel"><h2>Readiness: ${ready.ready ? 'ready' : '<span class="error">not ready</span>'}</h2><table id="readiness">${Object.entries(
        checks,
      )
        .map(
          ([name, up]) =>
            `<tr><td>${esc(name)}</td><td>${up ? 'up' : '<span class="error">down</span>'}</td></tr>`,
        )
        .join('')}</table></div>`
    : `<div class="panel"><h2>Readiness</h2>${unavailable('Readiness')}</div>`;
  if (typeof metricsText !== 'string')
    return `${readiness}<div class="panel"><h2>Metrics</h2>${unavailable('Metrics')}</div>`;
  const samples = parseMetrics(metricsText);
  const total = (name: string) => samples.filter((s) => s.name === name).reduce((sum, s) => sum + s.value, 0);
  const p50 = histogramQuantile(samples, 'vigil_batch_duration_seconds', 0.5);
  const p99 = histogramQuantile(samples, 'vigil_batch_duration_seconds', 0.99);
  const ms = (seconds: number | undefined) =>
    seconds === undefined ? '—' : Number.isFinite(seconds) ? `≤ ${(seconds * 1000).toFixed(0)} ms` : '> 5 s';
  const lag = samples.filter((s) => s.name === 'vigil_consumer_lag');
  const cards = `<div class="cards">
    <div class="panel"><h2>Events scored</h2><div class="big" id="events-total">${total('vigil_events_total')}</div></div>
    <div class="panel"><h2>Dead letters</h2><div class="big">${total('vigil_dead_letters_total')}</div></div>
    <div class="panel"><h2>Batch latency p50 / p99</h2><div class="big">${ms(p50)} / ${ms(p99)}</div></div>
    <div class="panel"><h2>Store write errors</h2><div class="big">${total('vigil_store_write_errors_total')}</div></div>
    <div class="panel"><h2>Consumer lag</h2><div class="big">${lag.length ? lag.reduce((sum, s) => sum + s.value, 0) : '—'}</div></div>
  </div>`;
  const models = samples
    .filter((s) => s.name === 'vigil_model_info')
    .map((s): [string, number] => [`${s.labels.model} ${s.labels.version} (${s.labels.backend})`, s.value]);
  return `${readiness}${cards}<div class="grid">
    ${countTable('events-by-kind', 'Events by kind', byLabel(samples, 'vigil_events_total', 'kind'))}
    ${countTable('dead-by-reason', 'Dead letters by reason', byLabel(samples, 'vigil_dead_letters_total', 'reason'))}
    ${countTable('alerts-by-detector', 'Alerts by detector', byLabel(samples, 'vigil_alerts_total', 'detector'))}
    ${countTable(
      'signals-by-type',
      'Signals by type',
      byLabel(samples, 'vigil_signals_total', 'type').map(([t, n]): [string, number] => [
        t.replace(/^.*\//, ''),
        n,
      ]),
    )}
    ${
      lag.length
        ? countTable(
            'lag',
            'Lag by partition',
            lag.map((s): [string, number] => [`${s.labels.topic}/${s.labels.partition}`, s.value]),
          )
        : ''
    }
    ${countTable('models-in-use', 'Models in use', models)}
  </div>`;
}

// ---------- routing and polling ----------

let renderId = 0;
let timer: number | undefined;

type RouteName = 'overview' | 'alerts' | 'identity' | 'models' | 'health';

function route(): { name: RouteName; arg?: string } {
  const hash = location.hash.replace(/^#\/?/, '');
  if (hash.startsWith('alerts')) return { name: 'alerts' };
  if (hash.startsWith('models')) return { name: 'models' };
  if (hash.startsWith('health')) return { name: 'health' };
  if (hash.startsWith('identity/')) return { name: 'identity', arg: decodeURIComponent(hash.slice(9)) };
  return { name: 'overview' };
}

/** Re-renders the current view, unless the analyst is typing in a filter. */
async function render(): Promise<void> {
  const id = ++renderId;
  const r = route();
  document.querySelectorAll<HTMLAnchorElement>('nav a').forEach((a) => {
    a.classList.toggle('active', a.dataset.nav === r.name);
  });
  let html: string;
  try {
    html =
      r.name === 'alerts'
        ? await alertsView()
        : r.name === 'identity'
          ? await identityView(r.arg ?? '')
          : r.name === 'models'
            ? await modelsView()
            : r.name === 'health'
              ? await healthView()
              : await overview();
  } catch (error) {
    html = `<p class="error">${esc(error)}</p>`;
  }
  if (id !== renderId) return; // a newer render started
  const view = $('view');
  const focused = document.activeElement as HTMLInputElement | null;
  const focusId = focused && view?.contains(focused) ? focused.id : '';
  const caret = focusId && 'selectionStart' in focused! ? focused!.selectionStart : null;
  const message = $('fb-message')?.textContent ?? '';
  if (view) view.innerHTML = html;
  if (focusId) {
    const again = document.getElementById(focusId) as HTMLInputElement | null;
    again?.focus();
    if (again && caret !== null && again.type !== 'number') again.setSelectionRange(caret, caret);
  }
  const box = $('fb-message');
  if (box && message) box.textContent = message;
  const status = $('status');
  if (status)
    status.textContent = `updated ${new Date().toLocaleTimeString()} · polling every ${POLL_MS / 1000} s`;
}

function schedule(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = window.setTimeout(async () => {
    await render();
    schedule();
  }, POLL_MS);
}

function refreshNow(): void {
  void render();
  schedule();
}

function showTokenState(): void {
  const state = $('token-state');
  if (state) state.textContent = token() ? 'token set' : 'no token';
}

function init(): void {
  const form = $('token-form') as HTMLFormElement;
  const input = $('token') as HTMLInputElement;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value.trim()) sessionStorage.setItem(TOKEN_KEY, input.value.trim());
    input.value = '';
    showTokenState();
    refreshNow();
  });
  $('token-clear')?.addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    showTokenState();
    refreshNow();
  });
  const view = $('view') as HTMLElement;
  view.addEventListener('click', async (event) => {
    const act = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-act]');
    if (act) {
      act.disabled = true;
      const message = await sendAction(act.dataset.identity ?? '', act.dataset.act as 'revoke' | 'reset');
      lastAction = { identity: act.dataset.identity ?? '', message };
      const box = $('act-message');
      if (box) box.textContent = message;
      refreshNow();
      return;
    }
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-verdict]');
    if (!button) return;
    const row = button.closest('td');
    row?.querySelectorAll('button').forEach((b) => {
      b.disabled = true;
    });
    const error = await sendFeedback(button.dataset.id ?? '', button.dataset.verdict as Verdict);
    const box = $('fb-message');
    if (box) box.textContent = error ? `Feedback failed: ${error}` : '';
    refreshNow();
  });
  view.addEventListener('input', (event) => {
    const target = event.target as HTMLInputElement;
    if (target.id === 'f-identity') filters.identity = target.value;
    else if (target.id === 'f-risk') filters.minRisk = target.value;
    else return;
    refreshNow();
  });
  view.addEventListener('change', (event) => {
    const target = event.target as HTMLSelectElement;
    if (target.id === 'f-detector') filters.detector = target.value;
    else if (target.id === 'f-verdict') filters.verdict = target.value;
    else return;
    refreshNow();
  });
  window.addEventListener('hashchange', refreshNow);
  showTokenState();
  refreshNow();
}

init();
