import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import type { SecretSource } from '../../core/config/secrets.js';

/** The part of `SecretClient` this source uses, so tests can pass a fake. */
export interface KeyVaultSecretReader {
  getSecret(name: string): Promise<{ readonly value?: string | undefined }>;
}

export interface KeyVaultSecretSourceOptions {
  /** KEY_VAULT_URI, e.g. `https://my-vault.vault.azure.net`. */
  readonly vaultUrl: string;
  /** Defaults to `DefaultAzureCredential` (workload identity on AKS, `az login` locally). */
  readonly credential?: TokenCredential;
  /** Replaces the real client; tests pass a fake. */
  readonly client?: KeyVaultSecretReader;
}

/** Key Vault names allow only letters, digits and hyphens: `HMAC_KEYS` is stored as `HMAC-KEYS`. */
export function keyVaultSecretName(setting: string): string {
  return setting.replaceAll('_', '-');
}

function field(error: unknown, key: 'code' | 'statusCode' | 'name'): string | number | undefined {
  if (typeof error !== 'object' || error === null || !(key in error)) return undefined;
  const value: unknown = (error as Record<string, unknown>)[key];
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}

function isNotFound(error: unknown): boolean {
  return field(error, 'statusCode') === 404 || field(error, 'code') === 'SecretNotFound';
}

/** Secrets read from Azure Key Vault at start-up. */
export function keyVaultSecretSource(options: KeyVaultSecretSourceOptions): SecretSource {
  const client =
    options.client ?? new SecretClient(options.vaultUrl, options.credential ?? new DefaultAzureCredential());
  return {
    name: 'KEY_VAULT_URI',
    async get(setting) {
      const name = keyVaultSecretName(setting);
      try {
        const secret = await client.getSecret(name);
        return secret.value;
      } catch (error: unknown) {
        if (isNotFound(error)) return undefined;
        // Only the code and status: SDK errors can carry request and response details, and the
        // cause is left off so a logger that walks causes cannot print them either.
        const reason = [field(error, 'code') ?? field(error, 'name'), field(error, 'statusCode')]
          .filter((part) => part !== undefined)
          .join(', ');
        throw new Error(`KEY_VAULT_URI: cannot read secret '${name}' (${reason === '' ? 'unknown error' : reason})`);
      }
    },
  };
}
