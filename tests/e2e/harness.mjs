// A tiny test harness for the browser and packaging suites: named tests run
// in order, each failure printed with its message, and Chromium (Debian's, driven by playwright-core)
// started once for everything.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic'];

export class Suite {
  constructor() {
    this.passed = 0;
    this.failed = 0;
    this.failures = [];
  }

  async test(name, fn) {
    const t0 = performance.now();
    try {
      await fn();
      this.passed++;
      console.log(`  ✓ ${name} (${Math.round(performance.now() - t0)} ms)`);
    } catch (e) {
      this.failed++;
      this.failures.push(name);
      console.log(`  ✗ ${name}\n      ${String(e?.stack ?? e).split('\n').slice(0, 6).join('\n      ')}`);
    }
  }
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

// A fresh browser profile per run; the caller closes it with close().
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'nnwasm-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1100, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// A page whose console errors, uncaught exceptions and failed requests are
// collected; `problems` lists them.
export async function watchedPage(context) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return { page, problems };
}

// Max |a - b| / (atol + rtol |b|) <= 1; returns the first bad index or -1.
export function firstMismatch(got, want, rtol = 1e-5, atol = 1e-6) {
  if (got.length !== want.length) return 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Number.isNaN(w) ? !Number.isNaN(g) : !(Math.abs(g - w) <= atol + rtol * Math.abs(w))) return i;
  }
  return -1;
}
