// Why a name must resolve privately: which input of the plan said so, or the DNS answer itself.
// Its own file because both the endpoint's expectations and the DNS evidence name it.

/**
 * Which input made a name's private expectation, as reports show it. The last is the DNS check's
 * own: the plan gave the name its private DNS zone (privateZone) and the wire showed the name's
 * CNAME chain entering it, i.e. the resource has a private endpoint.
 */
export type PrivateSource =
  | 'expect-private' // --expect-private (settings.expectPrivate)
  | 'config' // expect.private in a config endpoint
  | 'catalog' // a catalog row that is private whenever the workspace uses private endpoints
  | 'private-endpoints-json' // a private endpoint's name in --private-endpoints-json
  | 'private-dependency' // --private-dependency (workspace.privateDependencies)
  | 'managed-network' // a private endpoint outbound rule of the workspace's managed network (--workspace-json)
  | 'privatelink-cname'
  // --public-dependency (workspace.publicDependencies): with private false, the input that made the
  // name public on purpose (a private endpoint elsewhere, a service endpoint here); --expect-private
  // leaves it public.
  | 'public-dependency';
