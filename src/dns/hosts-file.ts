// The hosts file, read only to explain a system answer that no DNS server gives: if the name is
// listed there, getaddrinfo took it from the file and DNS was never asked.

import { statSync } from 'node:fs';
import { INPUT_LIMITS, readFileCapped } from '../bounded-read.js';
import { isIP } from 'node:net';

/**
 * The hosts file of `platform`. AMLPROBE_HOSTS_FILE overrides it (tests). Windows keeps it at
 * %SystemRoot%\System32\drivers\etc\hosts (SystemRoot is C:\Windows unless Windows was installed
 * elsewhere); the variable is looked up case-insensitively, as Windows names are.
 */
export function hostsFilePath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const override = env.AMLPROBE_HOSTS_FILE?.trim();
  if (override) return override;
  if (platform !== 'win32') return '/etc/hosts';
  const systemRoot = Object.entries(env).find(([key, value]) => key.toLowerCase() === 'systemroot' && value?.trim())?.[1]?.trim() ?? 'C:\\Windows';
  return `${systemRoot.replace(/[\\/]+$/, '')}\\System32\\drivers\\etc\\hosts`;
}

/** The addresses hosts-file text lists for `name` (case-insensitive, trailing dot ignored), in file order. */
export function hostsEntries(text: string, name: string): string[] {
  const wanted = name.toLowerCase().replace(/\.$/, '');
  const found: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const [address, ...names] = raw.replace(/#.*$/, '').trim().split(/\s+/);
    if (address === undefined || isIP(address.replace(/%.*$/, '')) === 0) continue;
    if (names.some((n) => n.toLowerCase().replace(/\.$/, '') === wanted)) found.push(address.replace(/%.*$/, ''));
  }
  return found;
}

/** The last hosts file read, by path, with the stamp that says whether it changed since. */
let cached: { path: string; stamp: string; text: string } | undefined;

/**
 * The hosts file's text, read from disk only when it changed: a run resolving thousands of names
 * asks for every one of them, and serve mode must still see an edit between two runs.
 */
function hostsText(path: string): string {
  const stat = statSync(path);
  const stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
  if (cached?.path !== path || cached.stamp !== stamp) cached = { path, stamp, text: readFileCapped(path, INPUT_LIMITS.systemFile).toString('utf8') };
  return cached.text;
}

/** What the hosts file lists for `name`; undefined when the file cannot be read. */
export function lookupHostsFile(name: string, path: string = hostsFilePath()): string[] | undefined {
  try {
    return hostsEntries(hostsText(path), name);
  } catch {
    return undefined;
  }
}
