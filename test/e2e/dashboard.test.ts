/**
 * End to end: `vigil demo` serving the dashboard, driven by Debian chromium
 * through playwright-core. Waits for alerts, marks one a true positive
 * (POST /api/alerts/:id/feedback with the pasted admin token), checks the UI
 * and the server reflect it, and opens the identity page. Screenshots go to
 * test-output/e2e/.
 *
 * Until the analyst read routes exist (GET /api/alerts, /api/identities/:id:
 * probed, 404), the browser is served stand-ins built from the demo's own
 * alerts.ndjson and scores.ndjson (page.route), so the UI and the real
 * feedback route are still exercised.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

function readAlerts(path: string): unknown[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .flatMap((line) => {
      try {
        return [JSON.parse(line)];
      } catch {
        return []; // a line being written
      }
    });
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
    const missing = async (path: string) =>
      (await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).status === 404;
    if (await missing('/api/alerts?limit=1')) {
      await page.route('**/api/alerts?*', (route) =>
        route.fulfill({
          json: {
            alerts: (readAlerts(join(out, 'alerts.ndjson')) as Record<string, unknown>[])
              .slice(-500)
              .map(({ time, kind, ...alert }) => ({ ...alert, time_ms: time, detector: kind })),
          },
        }),
      );
    }
    if (await missing('/api/identities/x')) {
      // Stand-in detail built from the demo's scores.ndjson (risk and explanation per event).
      await page.route('**/api/identities/*', (route) => {
        const id = decodeURIComponent(new URL(route.request().url()).pathname.split('/').pop() ?? '');
        const scores = (
          readAlerts(join(out, 'scores.ndjson')) as { identity: string; time: number; risk: number }[]
        )
          .filter((e) => e.identity === id)
          .map(({ time, ...e }) => ({ ...e, time_ms: time }));
        const buckets = new Map<number, number>();
        for (const e of scores) {
          const bucket = e.time_ms - (e.time_ms % 3_600_000);
          buckets.set(bucket, Math.max(buckets.get(bucket) ?? 0, e.risk));
        }
        const recent = scores.slice(-50).reverse();
        return route.fulfill({
          json: {
            identity: id,
            risk_now: recent[0]?.risk ?? 0,
            risk_over_time: [...buckets].map(([bucket_ms, max_risk]) => ({ bucket_ms, max_risk })),
            recent_events: recent,
            baseline: null,
          },
        });
      });
    }
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
    await page.screenshot({ path: join(SHOTS, 'alerts.png'), fullPage: true });

    // Identity page of that alert.
    await page.locator(`tr[data-alert="${alertId}"] a`).first().click();
    await page.waitForSelector('#identity-name');
    expect(await page.textContent('#identity-name')).toBe(identity);
    await page.waitForFunction("document.querySelectorAll('#view .panel').length > 1");
    if (await page.isVisible('#risk-chart')) await page.waitForSelector('#heatmap rect');
    await page.screenshot({ path: join(SHOTS, 'identity.png'), fullPage: true });
  });
});
