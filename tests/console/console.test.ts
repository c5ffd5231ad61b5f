import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/app-context.js';
import { mintAdminToken } from '../../src/core/auth/admin-tokens.js';
import { DEVELOPMENT_HMAC_KEY } from '../../src/core/config/settings-key-rings.js';
import { signRequest } from '../../src/core/ingestion/signing.js';
import { functions } from '../../src/functions/catalog.js';
import { consoleFunction } from '../../src/functions/console/console.js';
import { startEmbeddedHost, type EmbeddedHost } from '../../src/local/embedded-host.js';
import { embeddedDeadLetterFunctions } from '../../src/local/dead-letter-admin.js';
import { hostRoutes } from '../../src/local/host-routes.js';
import { testApp } from '../support/app.js';
import { skipAllowed } from '../support/services.js';

// Issue #18: the console in a real browser (Debian's chromium driven by playwright-core) against
// the embedded host with the whole pipeline in memory. CONSOLE_SCREENSHOTS=docs/console writes
// the README's screenshots.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = process.env.CONSOLE_SCREENSHOTS;
const present = existsSync(CHROMIUM);
if (!present && !skipAllowed()) throw new Error(`chromium not found at ${CHROMIUM}: apt-get install chromium (.ci/run does), or set CHROMIUM_PATH; locally LIVEOPS_SKIP_INTEGRATION=1 skips`);

let app: AppContext;
let host: EmbeddedHost;
let browser: Browser;
let dir: string;

const token = (role: 'admin' | 'viewer', ttlS = 3600, nowMs = Date.now()) =>
  mintAdminToken({ kid: 'dev', hmacKey: Buffer.from(DEVELOPMENT_HMAC_KEY), name: role === 'admin' ? 'alice@studio' : 'bob@studio', role, ttlS, nowMs }).then((m) => m.token);

async function send(event: { type: 'boss_kill'; playerId: string; points: number }): Promise<string> {
  const eventId = randomUUID();
  const body = JSON.stringify({ eventId, type: event.type, playerId: event.playerId, ts: Date.now(), payload: { bossId: 'dragon', tier: 3, points: event.points } });
  const signature = signRequest({ kid: 'dev', key: Buffer.from(DEVELOPMENT_HMAC_KEY), t: Math.floor(Date.now() / 1000), method: 'POST', path: '/api/events', body: Buffer.from(body) });
  const res = await fetch(`${host.url}/api/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature': signature }, body });
  expect(res.status).toBe(202);
  return eventId;
}

async function until<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 100; i += 1) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function score(playerId: string): Promise<number | undefined> {
  const res = await fetch(`${host.url}/api/leaderboards/points/daily/players/${playerId}`);
  return res.ok ? ((await res.json()) as { score: number }).score : undefined;
}

async function signIn(page: Page, staffToken: string): Promise<void> {
  await page.goto(`${host.url}/console`);
  await page.getByLabel('Staff token').fill(staffToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS !== undefined) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

describe.skipIf(!present)('the live-ops console in chromium', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'liveops-console-'));
    // Vite is an ES module; this file compiles as CommonJS under tsc, hence the dynamic import.
    const { build } = await import('vite');
    await build({ configFile: join(__dirname, '../../console/vite.config.ts'), build: { outDir: dir, emptyOutDir: true }, logLevel: 'warn' });
    ({ app } = testApp({ env: { LEADERBOARD_PRIZES: JSON.stringify([{ board: 'points', window: 'daily', rank: 1, rankTo: 1, rewardId: 'daily_champion', item: 'gems', qty: 50 }]) } }));
    const definitions = [...functions.filter((f) => f.name !== 'console'), consoleFunction({ dir }), ...embeddedDeadLetterFunctions];
    host = await startEmbeddedHost({ app, definitions, port: 0, host: '127.0.0.1', timers: false, extraRoutes: hostRoutes(app) });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 60_000);

  afterAll(async () => {
    await browser.close();
    await host.stop(1_000);
    await rm(dir, { recursive: true, force: true });
  });

  it('is served at /console with cache headers, small enough to load fast', async () => {
    const redirect = await fetch(`${host.url}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/console/');
    const index = await fetch(`${host.url}/console/`);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(await index.text())?.[1];
    const asset = await fetch(`${host.url}/console/${script ?? 'missing'}`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${host.url}/console/..%2Fpackage.json`)).status).toBe(404);
  });

  it('signs in, shows a board filling, finds a player, blocks and unblocks, releases a quarantined event once', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, await token('admin'));
    await expect.poll(() => page.locator('#who').textContent()).toContain('alice@studio (admin)');
    for (const [playerId, points] of [['ann', 400], ['bob', 900], ['cid', 650]] as const) await send({ type: 'boss_kill', playerId, points });
    // The top 20 refreshes every 3 s: bob leads once the pipeline has applied the events.
    await expect.poll(() => page.locator('#top tbody tr').first().textContent(), { timeout: 10_000 }).toContain('bob');
    await shot(page, 'leaderboards');
    await page.getByLabel('Player', { exact: true }).fill('cid');
    await page.getByRole('button', { name: 'Find rank' }).click();
    await expect.poll(() => page.locator('#around').textContent()).toContain('cid: rank 2');
    // A closed day, its prize still owed: the final standings say who wins what.
    await app.leaderboards.archive.closePeriod({ board: 'points', window: 'daily', period: '2026-12-01', closedAtMs: Date.UTC(2026, 11, 2, 0, 5), players: 2, entries: [{ rank: 1, playerId: 'zed', score: 5000 }, { rank: 2, playerId: 'amy', score: 4000 }], prizesPending: true });
    await page.getByLabel('Period').fill('2026-12-01');
    await page.getByRole('button', { name: 'Closed period standings' }).click();
    await expect.poll(() => page.locator('#closed-meta').textContent()).toContain('prizes owed');
    await expect.poll(() => page.locator('#top tbody tr').first().textContent()).toContain('50 × gems (daily_champion)');
    await page.getByLabel('Period').fill('current');

    const prize = await app.progression.grant({ grantId: 'lb:points:daily:2026-12-05:1', playerId: 'ann', rewardId: 'daily_champion', item: 'gems', qty: 50, season: 1 });
    await page.goto(`${host.url}/console/#player`);
    await page.getByLabel('Player', { exact: true }).fill('ann');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator(`button[data-receipt="${prize.receiptId}"]`).click();
    await expect.poll(() => page.locator(`button[data-receipt="${prize.receiptId}"]`).textContent()).toBe('Revoked');
    expect(await app.progression.verify(prize.receipt)).toEqual({ valid: false, reason: 'revoked' });
    await page.getByLabel('Reason').fill('chargeback');
    await page.getByRole('button', { name: 'Block', exact: true }).click();
    await expect.poll(() => page.locator('#block-state').textContent()).toContain('Blocked until');
    await shot(page, 'player');
    await page.getByLabel('Reason').fill('appeal accepted');
    await page.getByRole('button', { name: 'Unblock' }).click();
    await expect.poll(() => page.locator('#block-state').textContent()).toBe('Not blocked');
    await expect.poll(() => page.locator('#audit tbody').textContent()).toContain('token:alice@studio');

    // Three ordinary kills, then one over the hard cap (boss_kill.points 100,000): quarantined, not ranked.
    for (const points of [500, 700, 600]) await send({ type: 'boss_kill', playerId: 'dax', points });
    await until(async () => ((await score('dax')) === 1_800 ? true : undefined), "dax's ordinary kills");
    const flagged = await send({ type: 'boss_kill', playerId: 'dax', points: 150_000 });
    await until(async () => (await app.fairness.audit.findQuarantined(flagged)) ?? undefined, 'the quarantine');
    expect(await score('dax')).toBe(1_800);
    await page.goto(`${host.url}/console/#fairness`);
    const release = page.locator(`button[data-event="${flagged}"]`);
    await release.waitFor();
    await page.locator(`button[data-why="${flagged}"]`).click();
    await expect.poll(() => page.locator('#why').textContent()).toContain("Why dax's boss_kill was flagged: cap (3 recent values)");
    await shot(page, 'fairness');
    await release.click();
    await expect.poll(() => score('dax'), { timeout: 10_000 }).toBe(151_800);
    await expect.poll(() => page.locator(`button[data-event="${flagged}"]`).textContent()).toBe('Released');
    // Exactly once: releasing again is refused and the score does not move.
    expect(await page.locator(`button[data-event="${flagged}"]`).isDisabled()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await score('dax')).toBe(151_800);

    // Another one kept out: it never reaches the board, and it cannot be released afterwards.
    const cheat = await send({ type: 'boss_kill', playerId: 'eve', points: 200_000 });
    await until(async () => (await app.fairness.audit.findQuarantined(cheat)) ?? undefined, 'the second quarantine');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator(`button[data-keep="${cheat}"]`).click();
    await expect.poll(() => page.locator('#notice').textContent()).toContain('Say why');
    await page.getByLabel('Reason to keep').fill('confirmed cheat');
    await page.locator(`button[data-keep="${cheat}"]`).click();
    await expect.poll(() => page.locator(`button[data-event="${cheat}"]`).textContent()).toBe('Kept');
    expect((await app.fairness.audit.findQuarantined(cheat))?.kept).toMatchObject({ by: 'token:alice@studio', reason: 'confirmed cheat' });
    expect(await score('eve')).toBeUndefined();

    // A poison message on the ingress queue: fairness dead-letters it (InvalidEnvelope).
    await app.bus.send(app.settings.bus.ingressQueue, [{ messageId: 'poison-1', sessionId: 'eve', body: { not: 'an event' }, applicationProperties: {} }]);
    await page.goto(`${host.url}/console/#health`);
    await expect.poll(() => page.locator('#readiness').textContent()).toContain('Ready');
    await expect.poll(() => page.locator('#dead-letters').textContent(), { timeout: 10_000 }).toContain('InvalidEnvelope');
    await page.locator('#dead-letters').getByRole('button', { name: 'Replay' }).click();
    // Inside the bus' duplicate-detection window a replay is skipped, and the page says so.
    await expect.poll(() => page.locator('#notice').textContent()).toContain('0 replayed, 1 skipped');
    // The page's own readyz polls are requests too: their p95 shows up after two samples.
    await expect.poll(() => page.locator('#latency').textContent(), { timeout: 10_000 }).toContain('readyz');
    if (SHOTS !== undefined) {
      // A few samples of traffic, so the committed screenshot shows a curve.
      for (let i = 0; i < 3; i += 1) {
        for (let p = 0; p < 5; p += 1) await send({ type: 'boss_kill', playerId: `load_${p}`, points: 100 });
        await new Promise((resolve) => setTimeout(resolve, 2_100));
      }
    }
    await shot(page, 'health');
    await page.close();
  }, 60_000);

  it('refuses a viewer an action (buttons off, and the route says 403), and is usable at phone width', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const viewer = await token('viewer');
    await signIn(page, viewer);
    await page.goto(`${host.url}/console/#player`);
    await page.getByLabel('Player', { exact: true }).fill('ann');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Block', exact: true }).isDisabled()).toBe(true);
    const status = await page.evaluate(async (t) => {
      const res = await fetch('/api/admin/players/ann/block', { method: 'POST', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json', 'idempotency-key': 'viewer-try' }, body: '{"seconds":60,"reason":"x"}' });
      return res.status;
    }, viewer);
    expect(status).toBe(403);
    await shot(page, 'phone-player');
    await page.close();
  }, 30_000);

  it('sends an expired token back to sign-in with the reason, and sign-out clears the token', async () => {
    const page = await browser.newPage();
    // Valid for 2 s from now: signed in, then expired on the server.
    await signIn(page, await token('admin', 2));
    await expect.poll(() => page.locator('#who').textContent()).toContain('alice@studio');
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await page.getByRole('link', { name: 'Fairness review' }).click();
    await expect.poll(() => page.locator('#notice').textContent()).toMatch(/expired/);
    await expect(page.locator('#sign-in').isVisible()).resolves.toBe(true);

    await signIn(page, await token('admin'));
    await page.getByRole('button', { name: 'Sign out' }).click();
    // A string: the test runs with Node's types, the expression in the page.
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await expect(page.locator('#sign-in').isVisible()).resolves.toBe(true);
    await page.close();
  }, 30_000);
});
