// node:net's isIP, without its IPv6 check on text that cannot be IPv6: that check compiles a
// regular expression of several kilobytes on first use, 5-10 ms of a start-up, and the plan asks
// it of every target's host name. An IPv6 address always has a colon and an IPv4 one never does,
// so the answer is isIP's for every text.

import { isIPv4, isIPv6 } from 'node:net';

/** 4 or 6 for an IPv4 or IPv6 literal (zone ids as node:net takes them), else 0: what isIP returns. */
export function ipVersion(text: string): 0 | 4 | 6 {
  if (text.includes(':')) return isIPv6(text) ? 6 : 0;
  return isIPv4(text) ? 4 : 0;
}
