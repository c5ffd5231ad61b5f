import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../../src/core/config/settings.js';
import { SettingsError } from '../../../src/core/config/settings-error.js';

const root = path.resolve(__dirname, '../../..');
const example = JSON.parse(readFileSync(path.join(root, 'local.settings.example.json'), 'utf8')) as {
  IsEncrypted: boolean;
  Values: Record<string, string>;
  $comments: Record<string, string>;
};
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
/** Settings of the Functions host itself, not read by our settings module. */
const HOST_SETTINGS = new Set(['FUNCTIONS_WORKER_RUNTIME', 'AzureWebJobsStorage', 'AzureWebJobsFeatureFlags']);

/**
 * Every environment variable the settings module reads, recorded through a Proxy. Run once on the
 * defaults and once with BUS_KIND=servicebus, which makes the Service Bus settings relevant (and,
 * with neither connection set, invalid: that SettingsError is expected here).
 */
function settingsRead(): string[] {
  const read = new Set<string>();
  for (const given of [{}, { BUS_KIND: 'servicebus' }] as Record<string, string>[]) {
    const env = new Proxy<Record<string, string | undefined>>({}, {
      get: (_target, key) => {
        if (typeof key !== 'string') return undefined;
        read.add(key);
        return given[key];
      },
    });
    try {
      parseSettings(env);
    } catch (error: unknown) {
      if (!(error instanceof SettingsError)) throw error;
    }
  }
  return [...read].filter((key) => /^[A-Z][A-Z0-9_]+$/.test(key)).sort();
}

describe('settings documentation stays complete', () => {
  it('local.settings.example.json lists and comments every setting the app reads', () => {
    const names = settingsRead();
    expect(names.length).toBeGreaterThan(30);
    for (const name of names) {
      expect(example.Values, name).toHaveProperty(name);
      expect(example.$comments[name], name).toMatch(/\S/);
    }
    const extra = Object.keys(example.Values).filter((k) => !HOST_SETTINGS.has(k) && !names.includes(k));
    expect(extra).toEqual([]);
  });

  it('the README settings table has a row for every setting', () => {
    for (const name of settingsRead()) expect(readme, name).toContain(`| \`${name}\``);
  });

  it('the example values themselves are valid settings', () => {
    expect(example.IsEncrypted).toBe(false);
    expect(() => parseSettings(example.Values)).not.toThrow();
  });
});
