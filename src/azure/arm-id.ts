// Azure Resource Manager resource IDs, the form `az ... show` uses to point at related resources:
// /subscriptions/{sub}/resourceGroups/{rg}/providers/{Namespace}/{type}/{name}.

/** The parts of a top-level ARM resource ID. */
export interface ArmId {
  subscription: string;
  resourceGroup: string;
  /** "Microsoft.Storage/storageAccounts", as written in the ID (ARM is case-insensitive here). */
  type: string;
  name: string;
}

// Child resources (.../vaults/x/privateEndpointConnections/y) are not what a workspace points at.
const ARM_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+\/[^/]+)\/([^/]+)\/?$/i;

/** Parses a top-level ARM resource ID, or returns undefined when `text` is not one. */
export function parseArmId(text: string): ArmId | undefined {
  const match = ARM_ID.exec(text.trim());
  if (match === null) return undefined;
  const [, subscription, resourceGroup, type, name] = match as unknown as [string, string, string, string, string];
  return { subscription, resourceGroup, type, name };
}

/** True when `id` is of resource type `type`, compared as ARM does: without regard to case. */
export function isArmType(id: ArmId, type: string): boolean {
  return id.type.toLowerCase() === type.toLowerCase();
}
