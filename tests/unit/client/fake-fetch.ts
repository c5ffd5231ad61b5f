import type { FetchLike } from '../../../src/client/index.js';

/** One request as the fake server saw it. */
export interface SeenRequest {
  readonly url: string;
  readonly path: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

/** What the fake answers to one attempt: a response, or an error thrown as fetch would (network failure). */
export type Reply = Response | Error | ((request: SeenRequest) => Response | Error);

export interface FakeFetch {
  readonly fetch: FetchLike;
  readonly seen: SeenRequest[];
}

/** Answers attempts in order with `replies`; fails the test loudly when asked for more. */
export function fakeFetch(...replies: Reply[]): FakeFetch {
  const seen: SeenRequest[] = [];
  const fetch: FetchLike = (url, init) => {
    const body = init.body instanceof Uint8Array ? init.body : new TextEncoder().encode(typeof init.body === 'string' ? init.body : '');
    const request: SeenRequest = { url, path: new URL(url).pathname + new URL(url).search, method: init.method ?? 'GET', headers: new Headers(init.headers), body };
    seen.push(request);
    const reply = replies.shift();
    if (reply === undefined) return Promise.reject(new Error(`fake fetch: unexpected attempt #${seen.length}`));
    const outcome = typeof reply === 'function' ? reply(request) : reply;
    return outcome instanceof Response ? Promise.resolve(outcome) : Promise.reject(outcome);
  };
  return { fetch, seen };
}

export function accepted(eventId: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ eventId, status: 'accepted' }), { status: 202, headers: { 'content-type': 'application/json', ...headers } });
}

export function problem(status: number, slug: string, extra: { headers?: Record<string, string>; body?: Record<string, unknown> } = {}): Response {
  const body = { type: `urn:liveops:problem:${slug}`, title: 'Problem', status, detail: `${slug} (test)`, ...extra.body };
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json', ...extra.headers } });
}

/** A network failure as undici reports it. */
export function networkError(): TypeError {
  return new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:7071') });
}
