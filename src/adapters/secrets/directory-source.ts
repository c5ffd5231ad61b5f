import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretSource } from '../../core/config/secrets.js';

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/**
 * Key Vault secret names allow only letters, digits and hyphens, so the CSI driver's file for
 * `HMAC_KEYS` may be named `HMAC_KEYS`, `HMAC-KEYS` or `hmac-keys`; they are tried in that order.
 */
function candidateNames(setting: string): string[] {
  const hyphenated = setting.replaceAll('_', '-');
  return [...new Set([setting, hyphenated, hyphenated.toLowerCase()])];
}

/** Distinguishes "no such secret" from "the mount is missing", which is a deployment error. */
async function assertDirectory(dir: string): Promise<void> {
  try {
    if ((await stat(dir)).isDirectory()) return;
  } catch (error: unknown) {
    if (errorCode(error) === 'ENOENT') throw new Error(`SECRETS_DIR: directory '${dir}' does not exist`);
    throw new Error(`SECRETS_DIR: cannot access directory '${dir}' (${errorCode(error) ?? 'unknown error'})`);
  }
  throw new Error(`SECRETS_DIR: '${dir}' is not a directory`);
}

async function readSecretFile(file: string): Promise<string | undefined> {
  try {
    // The CSI driver writes the value verbatim; editors and `echo` add one trailing newline.
    return (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
  } catch (error: unknown) {
    const code = errorCode(error);
    if (code === 'ENOENT') return undefined;
    // Name the file and the reason only: never the content, and not the cause chain either.
    throw new Error(`SECRETS_DIR: cannot read secret file '${file}' (${code ?? 'unknown error'})`);
  }
}

/** Secrets mounted as one file per secret (the Key Vault CSI driver), in directory `dir`. */
export function directorySecretSource(dir: string): SecretSource {
  return {
    name: 'SECRETS_DIR',
    async get(setting) {
      // Setting names are identifiers; anything else could walk out of the directory.
      if (!/^[A-Za-z0-9_]+$/.test(setting)) throw new Error(`SECRETS_DIR: '${setting}' is not a setting name`);
      for (const name of candidateNames(setting)) {
        const value = await readSecretFile(join(dir, name));
        if (value !== undefined) return value;
      }
      await assertDirectory(dir);
      return undefined;
    },
  };
}
