import type { Issue } from '../../lib/errors';

/**
 * What the Start-a-flow dialog opens with: a sync, two deliveries that fan out from it, and a report
 * once both are done. Edited in place, it is the quickest way to learn the format (README, Flows).
 */
export const EXAMPLE_FLOW = {
  name: 'Nightly contacts sync',
  nodes: [
    { key: 'sync', type: 'data.sync', input: { source: 'crm.contacts', records: 200, batchSize: 50 } },
    {
      key: 'notify_billing',
      type: 'webhook.deliver',
      input: {
        url: 'https://example.com/hooks/billing',
        payload: { event: 'contacts.synced', records: '{{ sync.result.records }}' },
      },
    },
    {
      key: 'notify_crm',
      type: 'webhook.deliver',
      input: { url: 'https://example.com/hooks/crm', payload: { event: 'contacts.synced', job: '{{ sync.id }}' } },
    },
    { key: 'report', type: 'report.generate', input: { title: 'Contacts sync', periodHours: 24, groupBy: 'type' } },
  ],
  edges: [
    { from: 'sync', to: 'notify_billing' },
    { from: 'sync', to: 'notify_crm' },
    { from: 'notify_billing', to: 'report' },
    { from: 'notify_crm', to: 'report' },
  ],
  onFailure: 'stop',
};

export interface NodeProblems {
  /** The node's key, or null for what is about the flow as a whole. */
  node: string | null;
  messages: string[];
}

/** "input.url: …" from the part of an issue's path below the node. */
function wordsOf(rest: ReadonlyArray<string | number>, message: string): string {
  return rest.length ? `${rest.join('.')}: ${message}` : message;
}

/**
 * A refused flow's issues grouped by the node they are about (path `nodes.<index>…`, the key read
 * from the definition that was sent), the flow's own first.
 */
export function problemsByNode(definition: unknown, issues: readonly Issue[]): NodeProblems[] {
  const nodes = (definition as { nodes?: unknown } | null)?.nodes;
  const keyAt = (index: number): string => {
    const node = Array.isArray(nodes) ? (nodes[index] as { key?: unknown } | undefined) : undefined;
    return typeof node?.key === 'string' ? node.key : `nodes[${index}]`;
  };
  const groups = new Map<string | null, string[]>();
  for (const issue of issues) {
    const path = issue.path as ReadonlyArray<string | number>;
    const index = path[0] === 'nodes' ? Number(path[1]) : NaN;
    const node = Number.isInteger(index) ? keyAt(index) : null;
    const message = node === null ? wordsOf(path, issue.message) : wordsOf(path.slice(2), issue.message);
    groups.set(node, [...(groups.get(node) ?? []), message]);
  }
  const own = groups.get(null);
  groups.delete(null);
  return [
    ...(own ? [{ node: null, messages: own }] : []),
    ...[...groups].map(([node, messages]) => ({ node, messages })),
  ];
}
