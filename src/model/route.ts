// How an endpoint's connection layers reach it: directly or through a forward proxy. Decided once,
// by the plan (src/plan/routes.ts); the engine and the checks only read it.

/** A validated proxy: where to connect, how it reads in a report, and the credentials to send. */
export interface ProxyServer {
  /** Host name (lower case) or IP literal (IPv6 without brackets). */
  host: string;
  port: number;
  /** "http://proxy.corp:3128": never with credentials. */
  display: string;
  /** "Basic ..." when the URL carried user info. */
  authorization?: string;
}

/**
 * An endpoint's route. `unusable` keeps the error of a proxy setting that does not parse (only an
 * endpoint built by hand can carry one: flags and config are validated first): the TCP layer
 * reports it as the bug it is, and the DNS layer treats the endpoint as direct.
 */
export type Route = { via: 'direct' } | ProxyRoute | { via: 'unusable'; error: unknown };

/** Through a forward proxy, and how to take this endpoint off it should it prove private (proxy_private_name). */
export interface ProxyRoute {
  via: 'proxy';
  proxy: ProxyServer;
  /**
   * The NO_PROXY entry that would send this endpoint direct: the public suffix its privatelink zone
   * backs (".blob.core.windows.net"), else the host itself. Absent when the endpoint names its own
   * proxy in the config, which NO_PROXY does not override (its `proxy: none` does).
   */
  noProxyEntry?: string;
}
