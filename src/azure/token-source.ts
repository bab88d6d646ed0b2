// Where amlprobe gets the bearer token for registry discovery, in order: AMLPROBE_TOKEN, then
// AMLPROBE_TOKEN_FILE / --token-file, then @azure/identity's DefaultAzureCredential (Azure CLI
// login, managed identity on a compute instance, an environment service principal, workload
// identity). The library is imported only when a token is really needed: `amlprobe --version`,
// `check` and a run without registries never load it. A token is never accepted on the command
// line (args.ts refuses --token): command lines leak into `ps` and shell history.

import { INPUT_LIMITS, readFileCapped } from '../bounded-read.js';
import { whyUnreadable } from '../file-read-error.js';
import { cloudValue } from '../plan/clouds.js';
import { UsageError } from '../errors.js';
import type { Cloud } from '../model/profile.js';
import { redact, rememberSecret } from '../untrusted/redact.js';
import { loadDefaultAzureCredential } from './load-identity.js';

/** Where a token came from, for the report (never the token itself). */
export type TokenOrigin = 'AMLPROBE_TOKEN' | 'AMLPROBE_TOKEN_FILE' | '--token-file' | 'DefaultAzureCredential';

/** A token, or why there is none. */
export type TokenOutcome = { ok: true; token: string; origin: TokenOrigin } | { ok: false; message: string };

/** Gets a token on first call and remembers the outcome; later calls cost nothing. */
export type TokenProvider = () => Promise<TokenOutcome>;

/**
 * The scope of the discovery call. Seed 001 gets the token with a bare `az account get-access-token`,
 * whose default resource is Azure Resource Manager, so the scope is ARM's of the cloud.
 */
export function tokenScope(cloud: Cloud): string {
  return `https://${cloudValue(cloud, 'arm') ?? 'management.azure.com'}/.default`;
}

/** What the provider reads; `loadCredential` is replaceable so a test can count that it was not called. */
export interface TokenSourceOptions {
  cloud: Cloud;
  /** --token-file, which wins over AMLPROBE_TOKEN_FILE. */
  tokenFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Time limit for DefaultAzureCredential (an unreachable managed-identity endpoint must not hang the run). */
  timeoutMs?: number;
}

/**
 * Validates the explicit sources at once (a bad --token-file is exit 2 before any probe) and returns
 * a provider that fetches a token the first time it is called.
 */
export function createTokenProvider(options: TokenSourceOptions): TokenProvider {
  const env = options.env ?? process.env;
  const explicit = explicitToken(options, env);
  let pending: Promise<TokenOutcome> | undefined;
  return () => {
    pending ??= explicit !== undefined ? Promise.resolve(explicit) : fromDefaultCredential(options.cloud, options.timeoutMs ?? 10_000);
    return pending;
  };
}

/** AMLPROBE_TOKEN, then the token file; undefined when neither is set. Throws UsageError for an unreadable or empty file. */
function explicitToken(options: TokenSourceOptions, env: NodeJS.ProcessEnv): TokenOutcome | undefined {
  const fromEnv = env.AMLPROBE_TOKEN?.trim();
  if (fromEnv) {
    rememberSecret(fromEnv);
    return { ok: true, token: fromEnv, origin: 'AMLPROBE_TOKEN' };
  }
  const [path, where]: [string | undefined, TokenOrigin] =
    options.tokenFile !== undefined ? [options.tokenFile, '--token-file'] : [env.AMLPROBE_TOKEN_FILE?.trim() || undefined, 'AMLPROBE_TOKEN_FILE'];
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileCapped(path, INPUT_LIMITS.tokenFile).toString('utf8');
  } catch (error) {
    throw new UsageError(`cannot read the token file '${path}': ${whyUnreadable(error, path)}; write the token there, e.g. az account get-access-token --query accessToken -o tsv > FILE.`, where);
  }
  const token = text.trim();
  if (token === '') throw new UsageError(`the token file '${path}' is empty.`, where);
  if (/\s/.test(token)) throw new UsageError(`the token file '${path}' holds more than one word; it must hold only the access token.`, where);
  rememberSecret(token);
  return { ok: true, token, origin: where };
}

/** The identity library's chain; a failure becomes a message (redacted: libraries may quote answers). */
async function fromDefaultCredential(cloud: Cloud, timeoutMs: number): Promise<TokenOutcome> {
  try {
    const DefaultAzureCredential = await loadDefaultAzureCredential();
    const credential = new DefaultAzureCredential();
    const signal = AbortSignal.timeout(timeoutMs);
    const result = await credential.getToken(tokenScope(cloud), { abortSignal: signal });
    rememberSecret(result.token);
    return { ok: true, token: result.token, origin: 'DefaultAzureCredential' };
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const first = redact(text).split('\n').find((line) => line.trim() !== '') ?? 'no credential available';
    return {
      ok: false,
      message: `no access token: set AMLPROBE_TOKEN_FILE (or AMLPROBE_TOKEN), run 'az login', or run where a managed identity is available (${first.trim().slice(0, 300)})`,
    };
  }
}
