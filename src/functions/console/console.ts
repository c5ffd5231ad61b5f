import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { HttpResponseInit } from '@azure/functions';
import { problems } from '../../core/errors/errors.js';
import type { HttpFunctionDefinition } from '../definition.js';
import { httpFunction } from '../http/http-function.js';

/** What may be served: Vite's output names only, no dot-files, no traversal. */
const FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  json: 'application/json',
};
/**
 * The page talks to this origin only, runs no inline script and cannot be framed: a console that
 * holds an admin token is worth a strict policy.
 */
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
} as const;

/**
 * `dist/console` of this package: the built console (`npm run build`), found from this module's
 * place, compiled (dist/src/functions/console) or run from sources by tsx (src/functions/console).
 */
export function defaultConsoleDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'console');
}

/**
 * `GET /api/console/…` (and `/console/…` on the embedded host): the live-ops console's static
 * files (issue #18), served by the app itself. `index.html` is revalidated on every load, the
 * content-hashed assets are immutable for a year.
 */
export function consoleFunction(options: { readonly dir: string }): HttpFunctionDefinition {
  const root = resolve(options.dir);
  return httpFunction({
    name: 'console',
    route: 'console/{dir?}/{file?}',
    methods: ['GET'],
    authLevel: 'anonymous',
    docs: {
      summary: 'The live-ops console (static files; sign in with a staff token)',
      tags: ['console'],
      responses: { 200: { description: 'index.html, or a hashed asset' }, 308: { description: 'Adds the trailing slash the relative asset URLs need' }, 404: { description: 'No such file, or the console is not built' } },
    },
    handle: async ({ request }) => {
      const { dir, file } = request.params;
      const pathname = new URL(request.url).pathname;
      // Relative asset URLs need the trailing slash: /console → /console/.
      if (dir === undefined && !pathname.endsWith('/')) return { status: 308, headers: { Location: `${pathname}/` } };
      const parts = [dir, file].filter((p): p is string => p !== undefined && p !== '');
      if (!parts.every((p) => FILE.test(p)) || (parts.length === 2 && parts[0] !== 'assets')) throw problems.notFound('No such console file');
      const name = parts.length === 0 ? 'index.html' : parts.join('/');
      return serveFile({ root, name, immutable: parts[0] === 'assets' });
    },
  });
}

async function serveFile(options: { readonly root: string; readonly name: string; readonly immutable: boolean }): Promise<HttpResponseInit> {
  const path = join(options.root, options.name);
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw options.name === 'index.html' ? problems.notFound('The console is not built: run `npm run build`') : problems.notFound('No such console file');
  }
  const extension = options.name.slice(options.name.lastIndexOf('.') + 1);
  return {
    status: 200,
    headers: {
      'Content-Type': TYPES[extension] ?? 'application/octet-stream',
      'Cache-Control': options.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...SECURITY_HEADERS,
    },
    body,
  };
}
