import { MicroCache } from '../core/cache/micro-cache.js';
import { checkReadiness, type Readiness } from '../core/health/readiness.js';
import { httpFunction, json } from './http/http-function.js';

/** Readiness must answer inside the kubelet's probe timeout (1 s by default, we set 3 s). */
const PING_TIMEOUT_MS = 2_000;
/**
 * readyz is anonymous: without a memory, every call from anyone pinged every dependency (#19 item
 * 8). Within this window callers share one answer (up or down), and concurrent callers one ping
 * round; two seconds is far below a probe period (10 s), so Kubernetes still sees an outage at once.
 */
export const READINESS_CACHE_MS = 2_000;

/** Liveness: the process serves requests. It checks no dependency, so an outage never restarts pods. */
export const healthz = httpFunction({
  name: 'healthz',
  route: 'healthz',
  methods: ['GET'],
  authLevel: 'anonymous',
  docs: { summary: 'Liveness: the process serves requests', tags: ['health'], responses: { 200: { description: '`{"status":"ok"}`' } } },
  handle: () => Promise.resolve(json(200, { status: 'ok' })),
});

/** Readiness: every configured dependency answers; 503 with per-dependency status when one does not. */
export const readyz = httpFunction({
  name: 'readyz',
  route: 'readyz',
  methods: ['GET'],
  authLevel: 'anonymous',
  docs: {
    summary: 'Readiness: every configured dependency answers',
    tags: ['health'],
    responses: { 200: { description: 'Ready, with per-dependency status' }, 503: { description: 'A dependency is down (per-dependency status in the body)' } },
  },
  build: (app) => {
    // One memory per app (per worker process), built once like every handler's state.
    const cache = new MicroCache<Readiness>({ ttlMs: READINESS_CACHE_MS, maxEntries: 1 });
    const check = (): Promise<Readiness> => checkReadiness({ dependencies: app.dependencies, timeoutMs: PING_TIMEOUT_MS, now: app.now });
    return async ({ logger }) => {
      const readiness = await cache.get({ key: 'readiness', nowMs: app.now(), load: check });
      const body = { status: readiness.ready ? 'ready' : 'not_ready', dependencies: readiness.dependencies };
      if (readiness.ready) return json(200, body);
      const down = Object.entries(readiness.dependencies).filter(([, s]) => s.status === 'down').map(([n]) => n);
      logger.warn('not ready', { down });
      return json(503, body, { 'Retry-After': '5' });
    };
  },
});
