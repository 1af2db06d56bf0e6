/**
 * End to end: `vigil demo` serving the dashboard, driven by Debian chromium
 * through playwright-core. Waits for alerts, marks one a true positive
 * (POST /api/alerts/:id/feedback with the pasted admin token), checks the UI
 * and the server (stored alert status) reflect it, and opens the identity
 * page. Screenshots go to test-output/e2e/.
 * Then revokes the identity's sessions from its page and finds the
 * analyst's decision in GET /api/decisions and the check endpoint.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'e2e-admin-token';
const SHOTS = join(process.cwd(), 'test-output', 'e2e');

function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`${CHROMIUM} is missing; install it as root: apt-get install -y chromium`);
  }
  const started = Date.now();
  execFileSync('apt-get', ['install', '-y', 'chromium'], {
    stdio: 'ignore',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  console.info(`installed chromium in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('dashboard (browser)', () => {
  let out: string;
  let base: string;
  let demo: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let demoLog = '';

  beforeAll(async () => {
    ensureChromium();
    expect(existsSync('dist/web/app.js'), 'dashboard not built: npm run build').toBe(true);
    mkdirSync(SHOTS, { recursive: true });
    out = mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    demo = spawn(
      process.execPath,
      ['bin/vigil.js', 'demo', '--port', String(port), '--out', out, '--rate', '3000'],
      {
        env: { ...process.env, VIGIL_ADMIN_TOKEN: TOKEN },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    demo.stdout?.on('data', (d) => (demoLog = (demoLog + d).slice(-4000)));
    demo.stderr?.on('data', (d) => (demoLog = (demoLog + d).slice(-4000)));
    await waitFor(
      'the demo API',
      async () => ((await fetch(`${base}/`)).ok ? true : undefined),
      20_000,
    ).catch((error) => {
      throw new Error(`${error.message}\n${demoLog}`);
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  });

  afterAll(async () => {
    await browser?.close();
    if (demo && demo.exitCode === null) {
      const exited = new Promise((r) => demo?.once('exit', r));
      demo.kill('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (demo.exitCode === null) demo.kill('SIGKILL');
    }
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('shows alerts, records feedback and opens an identity', async () => {
    await page.goto(`${base}/`);
    await page.fill('#token', TOKEN);
    await page.click('#token-form button[type=submit]');
    await expect.poll(() => page.textContent('#token-state')).toBe('token set');

    // Overview: alerts arrive within seconds; the chart draws a bar per detector and bucket.
    await page.waitForSelector('#alerts-chart rect', { timeout: 30_000 });
    expect(Number(await page.textContent('#alert-count'))).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'overview.png'), fullPage: true });

    // Alerts: mark the newest a true positive.
    await page.goto(`${base}/#/alerts`);
    const button = page.locator('button[data-verdict="true_positive"]').first();
    await button.waitFor({ timeout: 15_000 });
    const row = button.locator('xpath=ancestor::tr');
    const alertId = await row.getAttribute('data-alert');
    const identity = (await row.locator('td').nth(1).textContent()) ?? '';
    expect(alertId).toBeTruthy();
    await button.click();
    await page.waitForSelector(`tr[data-alert="${alertId}"] .verdict.true_positive`, { timeout: 10_000 });
    expect(await page.textContent('#fb-message')).toBe('');
    const counts = (await (
      await fetch(`${base}/api/feedback/counts`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as { true_positive: number };
    expect(counts.true_positive).toBeGreaterThanOrEqual(1);
    const stored = (await (
      await fetch(`${base}/api/alerts/${alertId}`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as { status: string };
    expect(stored.status).toBe('true_positive');
    await page.screenshot({ path: join(SHOTS, 'alerts.png'), fullPage: true });

    // Identity page of that alert.
    await page.locator(`tr[data-alert="${alertId}"] a`).first().click();
    await page.waitForSelector('#identity-name');
    expect(await page.textContent('#identity-name')).toBe(identity);
    await page.waitForFunction("document.querySelectorAll('#view .panel').length > 1");
    if (await page.isVisible('#risk-chart')) await page.waitForSelector('#heatmap rect');
    await page.screenshot({ path: join(SHOTS, 'identity.png'), fullPage: true });

    // Revoke the identity's sessions from its page: decided by the engine, visible in the API and the check.
    await page.click('button[data-act="revoke"]');
    await expect
      .poll(() => page.textContent('#act-message'), { timeout: 15_000 })
      .toMatch(/^revoke: enforced/);
    const auth = { authorization: `Bearer ${TOKEN}` };
    const decisions = (await (
      await fetch(`${base}/api/decisions?identity=${encodeURIComponent(identity)}`, { headers: auth })
    ).json()) as { decisions: { rule: string; actor: string; action: string }[] };
    expect(decisions.decisions).toContainEqual(
      expect.objectContaining({ rule: 'manual_revoke', actor: 'admin', action: 'revoke_sessions' }),
    );
    await page.goto(`${base}/`);
    await page.waitForSelector('#decisions-table tr td');
    await page.screenshot({ path: join(SHOTS, 'overview-decisions.png'), fullPage: true });

    // Pipeline health from /readyz and /metrics; the models page from /api/models.
    await page.goto(`${base}/#/health`);
    await page.waitForSelector('#events-by-kind td');
    expect(Number(await page.textContent('#events-total'))).toBeGreaterThan(0);
    expect(await page.textContent('#readiness')).toContain('store');
    await page.screenshot({ path: join(SHOTS, 'health.png'), fullPage: true });
    await page.goto(`${base}/#/models`);
    await page.waitForSelector('#models-page');
    await page.screenshot({ path: join(SHOTS, 'models.png'), fullPage: true });
  });
});
