// The one door to @azure/identity, a large library for a rarely used path (a registry discovery
// without a token file). Imported only when a token is needed; the one-file tool and the single
// executable carry the library as a string evaluated here, on first use (scripts/bundle-plugins.mjs
// textChunksPlugin), so its code is not even parsed at their start-up.

import type { DefaultAzureCredential } from '@azure/identity';

/** The DefaultAzureCredential class, loaded on first use. */
export async function loadDefaultAzureCredential(): Promise<typeof DefaultAzureCredential> {
  return (await import('@azure/identity')).DefaultAzureCredential;
}
