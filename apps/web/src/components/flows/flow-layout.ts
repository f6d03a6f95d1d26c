import { graphlib, layout } from '@dagrejs/dagre';

/** Every node is drawn the same size: the layout needs it before React has measured anything. */
export const NODE_WIDTH = 210;
export const NODE_HEIGHT = 84;

export interface LaidOut {
  positions: Record<string, { x: number; y: number }>;
  width: number;
  height: number;
}

/**
 * The graph laid out top to bottom by dagre: parents above their children, as few crossings as it
 * finds. Positions are React Flow's (a node's top-left corner).
 */
export function layoutFlow(keys: readonly string[], edges: ReadonlyArray<{ from: string; to: string }>): LaidOut {
  const graph = new graphlib.Graph();
  graph.setGraph({ rankdir: 'TB', nodesep: 36, ranksep: 56, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const key of keys) graph.setNode(key, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const edge of edges) if (keys.includes(edge.from) && keys.includes(edge.to)) graph.setEdge(edge.from, edge.to);
  layout(graph);
  const positions: LaidOut['positions'] = {};
  for (const key of keys) {
    const node = graph.node(key) as { x: number; y: number };
    // dagre gives centres; React Flow places corners.
    positions[key] = { x: node.x - NODE_WIDTH / 2, y: node.y - NODE_HEIGHT / 2 };
  }
  const size = graph.graph() as { width?: number; height?: number };
  return { positions, width: size.width ?? NODE_WIDTH, height: size.height ?? NODE_HEIGHT };
}
