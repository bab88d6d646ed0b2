// The matrix has one column per kind of layer rather than per layer: tcp and udp never both run
// for one endpoint, nor do http and websocket, so CONNECT and APP keep the table four wide.

import type { Layer } from '../model/endpoint.js';

/** A column of the matrix. */
export type LayerColumn = 'dns' | 'connect' | 'tls' | 'app';

/** The layer columns, left to right, in the order layers run. */
export const LAYER_COLUMNS: readonly LayerColumn[] = ['dns', 'connect', 'tls', 'app'];

/** Header text of each layer column. */
export const COLUMN_TITLES: Record<LayerColumn, string> = {
  dns: 'DNS',
  connect: 'CONNECT',
  tls: 'TLS',
  app: 'APP',
};

const COLUMN_BY_LAYER: Record<Layer, LayerColumn> = {
  dns: 'dns',
  tcp: 'connect',
  udp: 'connect',
  tls: 'tls',
  http: 'app',
  websocket: 'app',
  smb: 'app',
};

/** The column a layer's cell goes in. */
export function columnOf(layer: Layer): LayerColumn {
  return COLUMN_BY_LAYER[layer];
}
