import { parseSettings } from '../../../src/core/config/settings.js';
import { SettingsError } from '../../../src/core/config/settings-error.js';

/** The SettingsError that parsing `raw` throws; fails the test when it parses or throws otherwise. */
export function errorOf(raw: Record<string, string | undefined>): SettingsError {
  try {
    parseSettings(raw);
  } catch (error: unknown) {
    if (error instanceof SettingsError) return error;
    throw error;
  }
  throw new Error('expected a SettingsError');
}

/** The `SETTING: rule` lines of the SettingsError that `raw` produces. */
export function problemsOf(raw: Record<string, string | undefined>): string[] {
  return errorOf(raw).message.split('\n');
}
