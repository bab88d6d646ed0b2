// The matrix has one column per kind of layer rather than per layer: tcp and udp never both run
// for one endpoint, nor do http and websocket, so CONNECT and APP keep the table four wide. Each
// probe kind names its column (src/checks/kinds.ts); the reports lay out what the kinds say.

import type { Layer } from '../model/endpoint.js';
import { kindOf, matrixColumns } from '../checks/kinds.js';
import type { Column } from '../checks/descriptor.js';

/** A column of the matrix, by key ("dns", "connect", "tls", "app"). */
export type LayerColumn = string;

/** The layer columns, left to right, in the order layers run. */
export function layerColumns(): Column[] {
  return matrixColumns();
}

/** The column a layer's cell goes in; a layer this build does not know gets one of its own. */
export function columnOf(layer: Layer): LayerColumn {
  return kindOf(layer)?.column.key ?? layer;
}

/** An empty row of cells, one per column, for a renderer to fill. */
export function emptyCells<T>(columns: readonly Column[]): Record<LayerColumn, T | null> {
  const cells: Record<LayerColumn, T | null> = {};
  for (const column of columns) cells[column.key] = null;
  return cells;
}
