import type { HttpFunctionDefinition } from '../functions/definition.js';

/**
 * Matches request paths against Azure Functions route templates, the way the Functions host does
 * for the routes this app uses: literal segments, `{name}`, `{name?}` (optional, last segments
 * only) and `{name:constraint}` (constraints `int`, `alpha`, `guid`; others are accepted as any).
 * Literal segments beat parameters, so `leaderboards/x/daily/history` is not read as a player id.
 */
export type RouteMatch =
  | { readonly kind: 'found'; readonly definition: HttpFunctionDefinition; readonly params: Record<string, string> }
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'not-found' };

interface Segment {
  readonly literal?: string;
  readonly param?: string;
  readonly optional: boolean;
  readonly constraint?: string;
}

interface CompiledRoute {
  readonly definition: HttpFunctionDefinition;
  readonly segments: readonly Segment[];
  /** Higher is more specific: literals count more than parameters. */
  readonly specificity: number;
}

export class RouteTable {
  readonly #routes: readonly CompiledRoute[];

  constructor(definitions: readonly HttpFunctionDefinition[], readonly prefix = 'api') {
    this.#routes = definitions
      .map((definition) => {
        const segments = splitPath(definition.options.route).map(compileSegment);
        const specificity = segments.reduce((n, s) => n * 2 + (s.literal === undefined ? 0 : 1), 1);
        return { definition, segments, specificity };
      })
      .sort((a, b) => b.specificity - a.specificity);
  }

  match(method: string, pathname: string): RouteMatch {
    const parts = splitPath(pathname);
    if (parts[0] !== this.prefix) return { kind: 'not-found' };
    const rest = parts.slice(1);
    const allowed = new Set<string>();
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, rest);
      if (!params) continue;
      const methods = route.definition.options.methods;
      if (methods.includes(method.toUpperCase() as (typeof methods)[number])) {
        return { kind: 'found', definition: route.definition, params };
      }
      for (const m of methods) allowed.add(m);
    }
    return allowed.size > 0 ? { kind: 'method-not-allowed', allowed: [...allowed] } : { kind: 'not-found' };
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function compileSegment(raw: string): Segment {
  const m = /^\{(\*?)([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?(\?)?\}$/.exec(raw);
  if (!m?.[2]) return { literal: raw.toLowerCase(), optional: false };
  return { param: m[2], optional: m[4] === '?', ...(m[3] === undefined ? {} : { constraint: m[3] }) };
}

function matchSegments(segments: readonly Segment[], parts: readonly string[]): Record<string, string> | undefined {
  if (parts.length > segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    const part = parts[i];
    if (part === undefined) {
      if (!segment.optional) return undefined;
      continue;
    }
    if (segment.literal !== undefined) {
      if (segment.literal !== part.toLowerCase()) return undefined;
      continue;
    }
    const value = safeDecode(part);
    if (value === undefined || !satisfies(segment.constraint, value)) return undefined;
    if (segment.param) params[segment.param] = value;
  }
  return params;
}

function satisfies(constraint: string | undefined, value: string): boolean {
  switch (constraint) {
    case 'int':
      return /^-?\d+$/.test(value);
    case 'alpha':
      return /^[A-Za-z]+$/.test(value);
    case 'guid':
      return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
    default:
      return true;
  }
}

/** A malformed percent-escape is a non-match (404), not a crash. */
function safeDecode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch (error: unknown) {
    if (error instanceof URIError) return undefined;
    throw error;
  }
}
