/**
 * The dashboard's models page (web/model-health.ts) rendered from a
 * GET /api/models body: drift status and statistics, the top features, the
 * shadow trial and the last promotion decision; untrusted text escaped.
 */
import { describe, expect, it } from 'vitest';
import { renderModelHealth } from '../../web/model-health.js';

const body = {
  models: [
    {
      name: 'iforest-auth',
      version: '1',
      backend: 'js',
      drift: {
        model: 'iforest-auth',
        version: 1,
        status: 'drift',
        rows: 6499,
        score_psi: 0.2567,
        score_ks: 0.1977,
        max_feature_psi: 1.1659,
        feature_psi: [
          { feature: 'user_agent_rarity', psi: 1.1659 },
          { feature: '<script>x</script>', psi: 0.02 },
        ],
        thresholds: { psi_warn: 0.1, psi_drift: 0.25, ks_drift: 0.2, min_rows: 1000, window_rows: 10000 },
        episodes: 1,
        last_alert: { id: '9beabc5306a57e5dfa6b280c373aecf5', time: 1769212582314 },
      },
      shadow: {
        state: 'running',
        candidate_version: 3,
        rows: 250,
        rows_needed: 500,
        last_report: {
          candidate_version: 2,
          promoted: false,
          reason: 'kept v1: rank agreement below min_spearman 0.9',
          rows: 500,
          alert_percentile: 0.99,
          current_alerts: 5,
          candidate_alerts: 9,
          spearman: 0.6352,
          flagged_overlap: 0.25,
        },
      },
    },
    { name: 'lstm', version: 'models/lstm', backend: 'onnxruntime' },
  ],
};

describe('models page', () => {
  const html = renderModelHealth(body);

  it('shows each model with its drift status, score PSI and KS, and top features', () => {
    expect(html).toContain('iforest-auth');
    expect(html).toMatch(/class="risk r-high">drift</);
    expect(html).toContain('Score PSI <b>0.257</b>');
    expect(html).toContain('score KS <b>0.198</b>');
    expect(html).toMatch(/<td>user_agent_rarity<\/td><td class="num">1\.166<\/td>/);
    expect(html).toContain('9beabc5306a57e5dfa6b280c373aecf5');
    expect(html).toContain('No drift monitoring for this model.');
  });

  it('shows the shadow trial and the last promotion decision', () => {
    expect(html).toContain('v3 under trial, 250 / 500 rows');
    expect(html).toContain('v2 <b>kept out</b>');
    expect(html).toContain('current 5, candidate 9');
    expect(html).toContain('Spearman 0.635');
  });

  it('escapes text from the API', () => {
    expect(html).not.toContain('<script>x</script>');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
  });

  it('says the models are unavailable when the API does not answer', () => {
    expect(renderModelHealth(undefined)).toContain('Models unavailable');
    expect(renderModelHealth({ models: [] })).toContain('No models enabled');
  });
});
