// Keeps access tokens out of every output: reports, logs, stderr and error messages. A token is
// remembered the moment it is obtained; every string that may carry text from the network (a
// discovery answer's body, an identity library's error) goes through `redact` before it is kept.

/** What a secret is replaced with. */
export const REDACTED = '[REDACTED]';

/** Tokens obtained in this process; a Set so the same token is remembered once. */
const secrets = new Set<string>();

// A JWT (Entra access tokens are JWTs) or an Authorization value, whoever echoes it: a proxy's
// error page or a debugging server may reflect the request headers into its answer.
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer)\s+[^\s"',;]+/gi;

/** Remembers a secret so that `redact` removes it wherever it appears. Short strings are refused: they would redact ordinary words. */
export function rememberSecret(secret: string): void {
  const trimmed = secret.trim();
  if (trimmed.length >= 8) secrets.add(trimmed);
}

/** `text` with every remembered secret, JWT and bearer credential replaced by [REDACTED]. */
export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out.replace(JWT, REDACTED).replace(BEARER, `$1 ${REDACTED}`);
}

/** Forgets every remembered secret (tests). */
export function forgetSecrets(): void {
  secrets.clear();
}
