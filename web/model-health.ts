/**
 * Dashboard models page (#/models): each model's version, drift against its
 * training window (status, score PSI and KS, the five features with the
 * highest PSI) and shadow status (a retrained model under trial, and the last
 * promotion decision), from GET /api/models.
 *
 * `modelHealthView(get)` renders the page as HTML like the app's other views
 * (app.ts routes #/models to it); `renderModelHealth(body)` is the pure part.
 * Read-only: never posts anything, never touches the token.
 */
import { esc, type Get, isObject, type Json } from './html.js';

function fixed(value: unknown, digits = 3): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '—';
}

const STATUS_CLASS: Record<string, string> = {
  drift: 'r-high',
  warn: 'r-mid',
  stable: 'r-low',
};

function statusBadge(status: unknown): string {
  const text = String(status ?? 'unknown');
  const cls = STATUS_CLASS[text] ?? '';
  return `<span class="risk ${cls}">${esc(text.replace('_', ' '))}</span>`;
}

function psiBar(psi: number, drift: number): string {
  const width = Math.min(100, (psi / Math.max(drift, 1e-9)) * 50);
  return `<span class="bar" style="display:inline-block;height:0.6em;width:${width.toFixed(0)}px;background:${psi >= drift ? '#ff5d5d' : '#4aa3ff'}"></span>`;
}

function driftPanel(drift: unknown): string {
  if (!isObject(drift)) return '<p class="muted">No drift monitoring for this model.</p>';
  const thresholds = isObject(drift.thresholds) ? drift.thresholds : {};
  const psiDrift = typeof thresholds.psi_drift === 'number' ? thresholds.psi_drift : 0.25;
  const features = Array.isArray(drift.feature_psi) ? drift.feature_psi.filter(isObject) : [];
  const rows = features
    .map(
      (f) =>
        `<tr><td>${esc(f.feature)}</td><td class="num">${fixed(f.psi)}</td><td>${psiBar(Number(f.psi) || 0, psiDrift)}</td></tr>`,
    )
    .join('');
  const lastAlert = isObject(drift.last_alert)
    ? `<p>Last model_drift alert: <code>${esc(drift.last_alert.id)}</code> at ${esc(new Date(Number(drift.last_alert.time)).toISOString())}</p>`
    : '';
  return `<p>Drift ${statusBadge(drift.status)} · version ${esc(drift.version)} · ${esc(drift.rows)} live rows
    (judged from ${esc(thresholds.min_rows)}, window ${esc(thresholds.window_rows)})</p>
    <p>Score PSI <b>${fixed(drift.score_psi)}</b> · score KS <b>${fixed(drift.score_ks)}</b> ·
    thresholds: PSI warn ${fixed(thresholds.psi_warn, 2)}, drift ${fixed(thresholds.psi_drift, 2)}, KS drift ${fixed(thresholds.ks_drift, 2)}</p>
    ${rows ? `<table><tr><th>Feature</th><th>PSI</th><th></th></tr>${rows}</table>` : ''}
    ${lastAlert}`;
}

function promotionSummary(report: Json): string {
  const verdict = report.promoted ? 'promoted' : 'kept out';
  const figures =
    Number(report.rows) > 0
      ? `<br>${esc(report.rows)} shadow rows · alerts at p${esc(report.alert_percentile)}: current ${esc(report.current_alerts)}, candidate ${esc(report.candidate_alerts)} · Spearman ${fixed(report.spearman)} · flagged overlap ${fixed(report.flagged_overlap)}`
      : '';
  return `Last decision: v${esc(report.candidate_version)} <b>${verdict}</b> — ${esc(report.reason)}${figures}`;
}

function shadowPanel(shadow: unknown): string {
  if (!isObject(shadow)) return '';
  const running =
    shadow.state === 'running'
      ? `<p>Shadow: v${esc(shadow.candidate_version)} under trial, ${esc(shadow.rows)} / ${esc(shadow.rows_needed)} rows</p>`
      : '<p>Shadow: no model under trial</p>';
  const last = isObject(shadow.last_report) ? `<p>${promotionSummary(shadow.last_report)}</p>` : '';
  return `${running}${last}`;
}

/** The models page as HTML (GET /api/models), or a notice when the API does not answer. */
export function renderModelHealth(body: unknown): string {
  const models = isObject(body) && Array.isArray(body.models) ? body.models.filter(isObject) : undefined;
  if (!models) return '<p class="unavailable">Models unavailable</p>';
  if (models.length === 0) return '<p class="muted">No models enabled in this pipeline.</p>';
  return models
    .map(
      (
        m,
      ) => `<div class="panel"><h2>${esc(m.name)} <span class="muted">v${esc(m.version)} · ${esc(m.backend)}</span></h2>
      ${driftPanel(m.drift)}${shadowPanel(m.shadow)}</div>`,
    )
    .join('');
}

export async function modelHealthView(get: Get): Promise<string> {
  return renderModelHealth(await get('/api/models'));
}
