import { describe, expect, it } from 'vitest';
import { functions } from '../../../src/functions/catalog.js';
import { buildOpenApi, openApiPath } from '../../../src/functions/openapi/openapi.js';
import { parseSettings } from '../../../src/core/config/settings.js';
import { handlerOf } from '../../support/gateway.js';
import { testApp } from '../../support/app.js';
import { HttpRequest } from '@azure/functions';

describe('GET /api/openapi.json', () => {
  const settings = parseSettings({});
  const document = buildOpenApi({ definitions: functions, settings }) as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; summary?: string }>> };

  it('describes every route and method this app serves, and nothing else', () => {
    const served = functions.flatMap((f) => (f.kind === 'http' ? f.options.methods.map((m) => `${m.toLowerCase()} ${openApiPath(f.options.route)}`) : [])).sort();
    const documented = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m} ${path}`)).sort();
    expect(documented).toEqual(served);
    expect(document.openapi).toBe('3.1.0');
  });

  it('documents every HTTP function (summary present)', () => {
    for (const f of functions) if (f.kind === 'http') expect(f.docs?.summary, f.name).toMatch(/\S/);
  });

  it('takes request schemas from the validating zod schemas, with limits from settings', () => {
    const strict = buildOpenApi({ definitions: functions, settings: parseSettings({ BATCH_MAX_EVENTS: '7' }) }) as typeof document;
    const batch = JSON.stringify(strict.paths['/api/events/batch']?.post?.requestBody);
    expect(batch).toContain('"maxItems":7');
    const single = JSON.stringify(document.paths['/api/events']?.post?.requestBody);
    expect(single).toContain('"additionalProperties":false');
    expect(single).toContain('boss_kill');
  });

  it('documents both security schemes, and per route which of them it takes (DESIGN §2a)', () => {
    const full = buildOpenApi({ definitions: functions, settings }) as {
      components: { securitySchemes: Record<string, { type: string; scheme?: string; name?: string }> };
      paths: Record<string, Record<string, { security?: Record<string, unknown[]>[] }>>;
    };
    expect(full.components.securitySchemes.signature).toMatchObject({ type: 'apiKey', name: 'X-Signature' });
    expect(full.components.securitySchemes.playerToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    const schemes = (path: string, method: string) => full.paths[path]?.[method]?.security?.map((s) => Object.keys(s).sort().join('+'));
    expect(schemes('/api/events', 'post')).toEqual(['signature', 'playerToken+signature']);
    expect(schemes('/api/events/batch', 'post')).toEqual(['signature', 'playerToken+signature']);
    expect(schemes('/api/rewards/claim', 'post')).toEqual(['signature', 'playerToken+signature']);
    expect(schemes('/api/players/{playerId}/rewards', 'get')).toEqual(['signature', 'playerToken']);
    expect(schemes('/api/sessions', 'post')).toEqual(['signature']);
    expect(schemes('/api/receipts/redeem', 'post')).toEqual(['signature']);
    expect(schemes('/api/admin/players/{playerId}/block', 'post')).toEqual(['signature', 'adminToken']);
    // Public reads take no credentials at all.
    expect(schemes('/api/players/{playerId}/progress', 'get')).toBeUndefined();
    expect(schemes('/api/leaderboards/{board}/{window}', 'get')).toBeUndefined();
  });

  it('documents the Idempotency-Key as required on every admin write and on no admin read (issue #19 item 3)', () => {
    const full = buildOpenApi({ definitions: functions, settings }) as { paths: Record<string, Record<string, { parameters?: { name: string; required: boolean }[] }>> };
    const key = (path: string, method: string) => full.paths[path]?.[method]?.parameters?.find((p) => p.name === 'Idempotency-Key')?.required;
    for (const path of ['/api/admin/players/{playerId}/block', '/api/admin/players/{playerId}/unblock', '/api/admin/quarantine/{eventId}/release', '/api/admin/receipts/{receiptId}/revoke', '/api/admin/leaderboards/snapshot']) {
      expect(key(path, 'post'), path).toBe(true);
    }
    expect(key('/api/admin/quarantine', 'get')).toBeUndefined();
    expect(key('/api/events', 'post')).toBe(false);
  });

  it('is served by the openapi function', async () => {
    const { app } = testApp();
    const openapi = functions.find((f) => f.name === 'openapi');
    if (openapi === undefined) throw new Error('openapi function missing from the catalogue');
    const res = await handlerOf(openapi, app)(new HttpRequest({ method: 'GET', url: 'http://localhost/api/openapi.json' }));
    expect(res.status).toBe(200);
    expect(Object.keys(res.json().paths as object)).toContain('/api/events');
  });
});
