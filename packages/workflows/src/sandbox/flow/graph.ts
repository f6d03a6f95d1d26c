// Runs inside Temporal's deterministic workflow sandbox (the flow.run workflow) and in the API alike:
// plain functions of a flow's nodes and edges, no imports.

export interface FlowEdge {
  from: string;
  to: string;
}

/** Each node's parents (the nodes it waits for), in the order of the edges; every key has an entry. */
export function parentsOf(keys: readonly string[], edges: readonly FlowEdge[]): Map<string, string[]> {
  const parents = new Map(keys.map((key) => [key, [] as string[]]));
  for (const edge of edges) {
    const list = parents.get(edge.to);
    if (list && !list.includes(edge.from)) list.push(edge.from);
  }
  return parents;
}

/** Every node upstream of `key` (its parents, their parents, …). */
export function ancestorsOf(key: string, parents: ReadonlyMap<string, readonly string[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [...(parents.get(key) ?? [])];
  while (stack.length) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(parents.get(next) ?? []));
  }
  return seen;
}

/**
 * A cycle among the nodes, as the keys along it with the first repeated at the end (`a → b → a`), or
 * null when the graph has none. Depth-first, in the order of `keys`: the same flow names the same cycle.
 */
export function findCycle(keys: readonly string[], edges: readonly FlowEdge[]): string[] | null {
  const children = new Map(keys.map((key) => [key, [] as string[]]));
  for (const edge of edges) children.get(edge.from)?.push(edge.to);
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (key: string): string[] | null => {
    if (state.get(key) === 'done') return null;
    if (state.get(key) === 'open') return [...path.slice(path.indexOf(key)), key];
    state.set(key, 'open');
    path.push(key);
    for (const child of children.get(key) ?? []) {
      const cycle = visit(child);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(key, 'done');
    return null;
  };
  for (const key of keys) {
    const cycle = visit(key);
    if (cycle) return cycle;
  }
  return null;
}

/** The nodes in an order where every node comes after its parents (the graph has no cycle). */
export function topologicalOrder(keys: readonly string[], edges: readonly FlowEdge[]): string[] {
  const parents = parentsOf(keys, edges);
  const placed = new Set<string>();
  const order: string[] = [];
  while (order.length < keys.length) {
    const ready = keys.filter((key) => !placed.has(key) && parents.get(key)!.every((parent) => placed.has(parent)));
    if (!ready.length) throw new Error('the flow has a cycle');
    for (const key of ready) {
      placed.add(key);
      order.push(key);
    }
  }
  return order;
}
