/**
 * Dashboard overview panel "Effectiveness": precision from analyst verdicts,
 * alert volume, time from alert to enforcement, step-up friction and the
 * share of signals receivers acknowledged, from GET /api/effectiveness
 * (definitions in docs/effectiveness.md).
 *
 * `effectivenessPanel(get)` returns the panel's HTML for the overview page.
 * A metric the server cannot compute yet (null) shows "—" with the reason,
 * never 0. Read-only: never posts anything, never stores the token.
 */
import { esc, type Get, isObject } from './html.js';

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function percent(value: unknown): string | undefined {
  return isNumber(value) ? `${(value * 100).toFixed(1)}%` : undefined;
}

function fixed(value: unknown, digits: number): string | undefined {
  return isNumber(value) ? value.toFixed(digits) : undefined;
}

/** Seconds as the most readable unit (s, min, h). */
function duration(seconds: unknown): string | undefined {
  if (!isNumber(seconds)) return undefined;
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function tile(title: string, value: string | undefined, detail: string, missing: string): string {
  const shown = value === undefined ? `<span class="muted" title="${esc(missing)}">—</span>` : esc(value);
  const note = value === undefined ? missing : detail;
  return `<div><h3 class="muted" style="margin:0;font-size:12px;font-weight:500">${esc(title)}</h3><div class="big">${shown}</div><p class="muted" style="margin:4px 0 0;font-size:12px">${esc(note)}</p></div>`;
}

/** The panel for a report body (exported for tests and reuse). */
export function renderEffectiveness(body: unknown): string {
  if (!isObject(body)) {
    return '<div class="panel" id="effectiveness"><h2>Effectiveness</h2><p class="unavailable">Effectiveness unavailable</p></div>';
  }
  const enforce = isObject(body.time_to_enforce) ? body.time_to_enforce : {};
  const days = isNumber(body.span_ms) ? body.span_ms / 86_400_000 : 0;
  const tiles = [
    tile(
      'Precision',
      percent(body.precision),
      `${body.true_alerts} confirmed, ${body.false_alerts} false positives`,
      'no analyst verdicts yet',
    ),
    tile(
      'Alerts / day',
      fixed(body.alerts_per_day, 1),
      `${body.alerts} alerts over ${days.toFixed(1)} days; ${fixed(body.alerts_per_1000_identities, 1) ?? '—'} per 1,000 identities`,
      'no events in the window yet',
    ),
    tile(
      'Alert → enforcement',
      duration(enforce.mean_seconds),
      `mean over ${enforce.count} alerts; median ${duration(enforce.median_seconds) ?? '—'}, p95 ${duration(enforce.p95_seconds) ?? '—'}`,
      'no alert followed by an enforced decision',
    ),
    tile(
      'Step-up friction',
      fixed(body.stepup_friction_per_1000, 2),
      `per 1,000 sign-ins (${body.benign_step_ups} step-ups / ${body.benign_sign_ins})`,
      'no sign-ins in the window yet',
    ),
    tile(
      'Signals acknowledged',
      percent(body.signals_acknowledged_ratio),
      `${body.signals_acknowledged} of ${body.signals_sent} SETs`,
      'no push delivery state known',
    ),
  ];
  return `<div class="panel" id="effectiveness"><h2>Effectiveness <span class="muted">last ${days.toFixed(1)} days of event time</span></h2>
    <div class="cards">${tiles.join('')}</div></div>`;
}

export async function effectivenessPanel(get: Get): Promise<string> {
  return renderEffectiveness(await get('/api/effectiveness'));
}
