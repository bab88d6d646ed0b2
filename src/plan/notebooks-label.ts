// The first DNS label of a workspace's notebooks FQDN: ml-<workspace name>-<region>-<workspace id>.
// The custom-DNS article (dns2024, dns2026) says: "The workspace name for this FQDN may be truncated.
// Truncation is done to keep `ml-<workspace-name, truncated>-<region>-<workspace-guid>` at 63
// characters or less." 63 is the DNS label limit (RFC 1035 section 2.3.4). Only the name is cut; the
// region and the GUID are kept whole. Whether Azure cuts at exactly 63 is unconfirmed: the US Gov
// example (ml-mype-plt-usgovvirginia-<guid>) is 62 long, so the note tells users where to read the
// real name if ours does not resolve.

import { UsageError } from '../errors.js';

/** The DNS label length limit, and the documented bound on the notebooks label. */
export const DNS_LABEL_MAX = 63;

/** The computed label and whether the workspace name had to be shortened to fit. */
export interface NotebooksLabel {
  label: string;
  /** The (lower-case) workspace name as it appears in the label. */
  nameUsed: string;
  truncated: boolean;
}

/** Where the real name lives, for notes when the computed label may be wrong. */
export const NOTEBOOKS_LABEL_HINT =
  'the exact truncation is unconfirmed: if this name does not resolve, read the FQDN from the workspace private ' +
  'endpoint NIC (az network nic show --ids <nic-id> --query "ipConfigurations[].privateLinkConnectionProperties.fqdns")';

/**
 * Builds `ml-<name>-<region>-<id>`, cutting the workspace name so the label is at most 63 characters.
 * Inputs are lower-cased (DNS is case-insensitive and every documented example is lower case).
 * Throws UsageError when even an empty name cannot fit, which only an invalid region can cause.
 */
export function notebooksLabel(workspaceName: string, region: string, workspaceId: string): NotebooksLabel {
  const name = workspaceName.toLowerCase();
  const reg = region.toLowerCase();
  const id = workspaceId.toLowerCase();
  const fixed = 'ml-'.length + 1 + reg.length + 1 + id.length;
  const room = DNS_LABEL_MAX - fixed;
  if (room < 0) {
    throw new UsageError(
      `region '${region}' is too long for the notebooks host name: ml-<name>-${reg}-${id} would exceed the ${DNS_LABEL_MAX}-character DNS label limit.`,
      '--region',
    );
  }
  const nameUsed = name.length > room ? name.slice(0, room) : name;
  return { label: `ml-${nameUsed}-${reg}-${id}`, nameUsed, truncated: nameUsed.length < name.length };
}
