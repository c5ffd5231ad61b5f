import type { ServerResponse } from 'node:http';
import type { AppContext } from '../app/app-context.js';
import type { ExtraRoute } from './http-server.js';

/**
 * Routes the embedded host serves itself, outside the function catalogue: `/metrics` (in a pod the
 * sidecar serves it) and, for the in-memory bus, the dead-letter list a developer inspects.
 */
export function hostRoutes(app: AppContext): readonly ExtraRoute[] {
  return [
    {
      path: '/metrics',
      handle: async (res) => {
        send(res, 200, app.metrics.contentType, await app.metrics.metrics());
      },
    },
  ];
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}
