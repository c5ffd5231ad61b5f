import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../../src/core/config/settings.js';
import { functions } from '../../../src/functions/catalog.js';
import type { HttpFunctionDefinition } from '../../../src/functions/definition.js';
import { leaderboardFunctions } from '../../../src/functions/leaderboard/functions.js';
import { buildOpenApi } from '../../../src/functions/openapi/openapi.js';
import { resolveBindingExpression } from '../../../src/core/config/binding-expressions.js';
import { RouteTable } from '../../../src/local/route-table.js';

const http = leaderboardFunctions.filter((f): f is HttpFunctionDefinition => f.kind === 'http');

describe('leaderboard function definitions', () => {
  it('route every DESIGN §2 leaderboard path to its function, next to the existing catalogue', () => {
    const table = new RouteTable([...functions.filter((f): f is HttpFunctionDefinition => f.kind === 'http'), ...http]);
    const name = (method: string, path: string): string | undefined => {
      const match = table.match(method, path);
      return match.kind === 'found' ? match.definition.name : match.kind;
    };
    expect(name('GET', '/api/leaderboards/points/daily')).toBe('getLeaderboard');
    expect(name('GET', '/api/leaderboards/points/daily/players/player_42')).toBe('getLeaderboardPlayer');
    expect(name('GET', '/api/leaderboards/points/daily/history')).toBe('getLeaderboardHistory');
    expect(name('GET', '/api/leaderboard')).toBe('getLeaderboardCompat');
    expect(name('POST', '/api/admin/leaderboards/snapshot')).toBe('adminLeaderboardSnapshot');
    expect(name('POST', '/api/leaderboards/points/daily')).toBe('method-not-allowed');
  });

  it('are documented in OpenAPI with their query parameters', () => {
    const document = buildOpenApi({ definitions: [...leaderboardFunctions], settings: parseSettings({}) }) as { paths: Record<string, Record<string, { summary?: string; parameters?: { name: string; in: string; required: boolean }[] }>> };
    for (const f of http) expect(f.docs?.summary, f.name).toMatch(/\S/);
    const top = document.paths['/api/leaderboards/{board}/{window}']?.get;
    expect(top?.parameters?.map((p) => `${p.in}:${p.name}:${p.required}`)).toEqual(['path:board:true', 'path:window:true', 'query:period:false', 'query:limit:false', 'query:offset:false']);
    expect(document.paths['/api/leaderboards/{board}/{window}/history']?.get?.parameters?.find((p) => p.name === 'period')?.required).toBe(true);
    expect(Object.keys(document.paths['/api/admin/leaderboards/snapshot'] ?? {})).toEqual(['post']);
  });

  it('bind the verified topic, the leaderboard subscription and SNAPSHOT_CRON', () => {
    const settings = parseSettings({ SNAPSHOT_CRON: '0 */5 * * * *' });
    const consumer = leaderboardFunctions.find((f) => f.kind === 'serviceBusTopic');
    const timer = leaderboardFunctions.find((f) => f.kind === 'timer');
    if (consumer?.kind !== 'serviceBusTopic' || timer?.kind !== 'timer') throw new Error('missing consumer or timer');
    expect(resolveBindingExpression(consumer.options.topicName, settings)).toBe('liveops-verified');
    expect(resolveBindingExpression(consumer.options.subscriptionName, settings)).toBe('leaderboard');
    expect(consumer.options).toMatchObject({ isSessionsEnabled: true, cardinality: 'many' });
    expect(resolveBindingExpression(timer.options.schedule, settings)).toBe('0 */5 * * * *');
  });
});
