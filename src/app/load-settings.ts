import { directorySecretSource } from '../adapters/secrets/directory-source.js';
import { keyVaultSecretSource, type KeyVaultSecretReader } from '../adapters/secrets/key-vault-source.js';
import { resolveSecrets, type SecretSource } from '../core/config/secrets.js';
import { parseSecretLocations, parseSettings } from '../core/config/settings.js';
import type { Settings } from '../core/config/types.js';

export interface LoadSettingsOptions {
  /** Replaces the real Key Vault client (tests). */
  readonly keyVaultClient?: KeyVaultSecretReader;
}

/**
 * Reads every setting once at cold start: secrets resolve environment → files in SECRETS_DIR →
 * Key Vault (KEY_VAULT_URI), then everything is validated. Throws `SettingsError` listing every
 * problem, or an Error naming the secret source that failed.
 */
export async function loadSettings(
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: LoadSettingsOptions = {},
): Promise<Settings> {
  const locations = parseSecretLocations(env);
  const sources: SecretSource[] = [];
  if (locations.dir !== undefined) sources.push(directorySecretSource(locations.dir));
  if (locations.keyVaultUri !== undefined) {
    sources.push(keyVaultSecretSource({ vaultUrl: locations.keyVaultUri, client: options.keyVaultClient }));
  }
  return parseSettings(await resolveSecrets({ env, sources }));
}
