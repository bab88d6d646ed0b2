// Keeps credentials out of every output: reports, serve's endpoints, logs, stderr and error
// messages. Two kinds of secret are removed:
//   - the ones amlprobe knows: an access token the moment it is obtained, a proxy URL's password
//     (plain, as user:password, percent-encoded, and as the base64 of a Basic header) the moment
//     the URL is read; these are removed wherever they appear;
//   - the ones a peer may echo back: a proxy's 407/403/502 page or a debugging server often
//     reflects the request headers, a Location header may carry a SAS signature, an error may
//     quote a connection string. These are recognised by their shape.

/** What a secret is replaced with. */
export const REDACTED = '[REDACTED]';

/** Secrets known in this process, longest first when applied so that user:password goes before password. */
const secrets = new Set<string>();

/** Shortest secret remembered by default: shorter strings would redact ordinary words. */
const MIN_SECRET_CHARS = 8;

/**
 * A proxy password is known to be a secret, so shorter ones are taken too; below this length
 * it would remove fragments of ordinary text (and a password that short protects little).
 */
const MIN_PASSWORD_CHARS = 4;

/** Remembers a secret so that `redact` removes it wherever it appears. Short strings are refused: they would redact ordinary words. */
export function rememberSecret(secret: string, minChars: number = MIN_SECRET_CHARS): void {
  const trimmed = secret.trim();
  if (trimmed.length < minChars || secrets.has(trimmed)) return;
  secrets.add(trimmed);
  ordered = [...secrets].sort((a, b) => b.length - a.length);
}

/** Remembers a proxy URL's credentials in every form they travel or get echoed in. */
export function rememberProxyCredentials(user: string, password: string): void {
  const pair = `${user}:${password}`;
  rememberSecret(Buffer.from(pair).toString('base64'), MIN_PASSWORD_CHARS);
  if (password === '') return;
  rememberSecret(pair, MIN_PASSWORD_CHARS);
  rememberSecret(password, MIN_PASSWORD_CHARS);
  rememberSecret(encodeURIComponent(password), MIN_PASSWORD_CHARS);
}

/** Forgets every remembered secret (tests). */
export function forgetSecrets(): void {
  secrets.clear();
  ordered = [];
}

// Header-shaped credentials, also inside JSON or an HTML page: the value (after an optional
// scheme word) goes, the header name and the scheme stay as evidence.
const CREDENTIAL_HEADER =
  /\b((?:proxy-)?authorization|x-api-key|api-key|ocp-apim-subscription-key|x-functions-key)(["']?\s*[:=]\s*["']?)(?:(basic|bearer|digest|negotiate|ntlm|sharedkey|token)\s+)?([^\s"'<>,;()]+)/gi;
// Cookies: everything to the end of the line (a cookie's value has no fixed shape).
const COOKIE = /\b((?:set-)?cookie)(\s*:\s*)[^\r\n]*/gi;
// user:password@ in any URL. The placeholders of amlprobe's own help text are not credentials.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>]+)@/gi;
const PLACEHOLDER_USERINFO = new Set(['user:password', 'user:pass', 'user', '[redacted]', '***']);
// Secrets in key=value form: storage connection strings, SAS tokens, OAuth answers, config dumps.
const KEY_VALUE =
  /\b(AccountKey|SharedAccessKey|SharedAccessSignature|SharedSecretValue|client_secret|password|passwd|pwd|sig|access_token|refresh_token|id_token|api[-_]?key)(["']?\s*[=:]\s*["']?)(?!\[REDACTED\])([^\s;&"'<>,]+)/gi;
// A JWT (Entra access tokens are JWTs), whoever echoes it.
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
// A bearer token, but not `Bearer realm="..."` (a WWW-Authenticate challenge is evidence, not a secret).
const BEARER = /\b(Bearer)\s+(?![A-Za-z_-]+=")(?!\[REDACTED\])[A-Za-z0-9\-._~+/]+=*/gi;
// A Basic credential: only when it decodes to user:password, so `Basic realm="squid"` stays.
const BASIC = /\b(Basic)(\s+)([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/gi;
// A storage account key: 64 bytes in base64, 88 characters ending in '=='.
const ACCOUNT_KEY = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{86}==/g;

// One cheap test that every pattern above needs to match first: most texts (names, addresses,
// our own sentences) have none of these, and a 5,000-endpoint run cleans about 100,000 strings.
// (URL user info and bare account keys are told by '@' and '==': a pattern for them here would
// cost more than all the rest.)
const MAYBE_CREDENTIAL =
  /authoriz|api[-_]?key|subscription-key|functions-key|cookie|accountkey|sharedaccess|sharedsecret|client_secret|passw|pwd|sig|_token|eyJ|bearer|basic/i;

/** True when `text` may hold a credential-shaped value (a superset of what the patterns match). */
function mayHoldCredential(text: string): boolean {
  return MAYBE_CREDENTIAL.test(text) || text.includes('@') || (text.length >= 88 && text.includes('=='));
}

/** The remembered secrets, longest first; rebuilt when one is added. */
let ordered: string[] = [];

/** True when a base64 text decodes to printable "user:password". */
function isBasicPair(encoded: string): boolean {
  const decoded = Buffer.from(encoded, 'base64').toString('latin1');
  return /^[\x20-\x7e]*:[\x20-\x7e]*$/.test(decoded) && decoded.length > 1;
}

/** True when `redact` may change `text`: a remembered secret or a credential-shaped value may be in it. */
export function mayNeedRedaction(text: string): boolean {
  if (mayHoldCredential(text)) return true;
  // A loop, not some(callback): this runs for every string of every result (issue 15).
  for (const secret of ordered) if (text.includes(secret)) return true;
  return false;
}

/** `text` with every known secret and every credential-shaped value replaced by [REDACTED]. */
export function redact(text: string): string {
  let out = text;
  for (const secret of ordered) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  if (!mayHoldCredential(out)) return out;
  return out
    .replace(CREDENTIAL_HEADER, (_m, name: string, sep: string, scheme: string | undefined) => `${name}${sep}${scheme ? `${scheme} ` : ''}${REDACTED}`)
    .replace(COOKIE, `$1$2${REDACTED}`)
    .replace(URL_USERINFO, (match, scheme: string, userinfo: string) => (PLACEHOLDER_USERINFO.has(userinfo.toLowerCase()) ? match : `${scheme}${REDACTED}@`))
    .replace(KEY_VALUE, `$1$2${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(BASIC, (match, scheme: string, space: string, encoded: string) => (isBasicPair(encoded) ? `${scheme}${space}${REDACTED}` : match))
    .replace(ACCOUNT_KEY, REDACTED);
}

// user:password@ without a scheme, as people write proxies ("alice:pw@proxy:3128"); the colon
// keeps e-mail addresses out of it.
const BARE_USERINFO = /(^|[\s'"(=])([^\s'"()/@:]+:[^\s'"()/@]*)@/g;

/**
 * `redact`, and user:password@ also without a scheme. For text a user typed that amlprobe quotes
 * back (a config value, a proxy variable, a flag): a proxy written without http:// still has its
 * password removed.
 */
export function redactTyped(text: string): string {
  return redact(text).replace(BARE_USERINFO, (match, before: string, userinfo: string) =>
    PLACEHOLDER_USERINFO.has(userinfo.toLowerCase()) ? match : `${before}${REDACTED}@`);
}
