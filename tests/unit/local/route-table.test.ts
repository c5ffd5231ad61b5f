import { describe, expect, it } from 'vitest';
import type { HttpFunctionDefinition } from '../../../src/functions/definition.js';
import { RouteTable } from '../../../src/local/route-table.js';

function def(name: string, route: string, methods: HttpFunctionDefinition['options']['methods'] = ['GET']): HttpFunctionDefinition {
  return { kind: 'http', name, options: { route, methods, authLevel: 'anonymous' }, handler: () => () => ({ status: 204 }) };
}

const table = new RouteTable([
  def('board', 'leaderboards/{board}/{window}'),
  def('history', 'leaderboards/{board}/{window}/history'),
  def('rank', 'leaderboards/{board}/{window}/players/{playerId}'),
  def('ingest', 'events', ['POST']),
  def('item', 'items/{id:int}/{tail?}'),
]);

describe('RouteTable', () => {
  it('matches parameters and decodes them', () => {
    const m = table.match('GET', '/api/leaderboards/points/daily/players/player%5F42');
    expect(m).toMatchObject({ kind: 'found', params: { board: 'points', window: 'daily', playerId: 'player_42' } });
    if (m.kind === 'found') expect(m.definition.name).toBe('rank');
  });

  it('prefers the literal segment over a parameter', () => {
    const m = table.match('GET', '/api/leaderboards/points/daily/history');
    expect(m.kind === 'found' && m.definition.name).toBe('history');
  });

  it('answers method-not-allowed with the allowed methods', () => {
    expect(table.match('GET', '/api/events')).toEqual({ kind: 'method-not-allowed', allowed: ['POST'] });
  });

  it('does not match outside the /api prefix or with extra segments', () => {
    expect(table.match('POST', '/events').kind).toBe('not-found');
    expect(table.match('POST', '/api/events/extra').kind).toBe('not-found');
  });

  it('applies int constraints and optional trailing parameters', () => {
    expect(table.match('GET', '/api/items/12').kind).toBe('found');
    expect(table.match('GET', '/api/items/12/more')).toMatchObject({ kind: 'found', params: { id: '12', tail: 'more' } });
    expect(table.match('GET', '/api/items/abc').kind).toBe('not-found');
  });

  it('treats a malformed escape as no match instead of throwing', () => {
    expect(table.match('GET', '/api/leaderboards/%E0%A4%A/daily').kind).toBe('not-found');
  });
});
