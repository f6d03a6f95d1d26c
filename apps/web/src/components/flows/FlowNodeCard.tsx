import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { RouterOutputs } from '../../trpc';
import { ProgressBar } from '../ProgressBar';
import { fanOutCount, nodeProgress, nodeTone } from './flow-states';

export type FlowDetail = RouterOutputs['flows']['get'];
export type FlowNodeView = FlowDetail['nodes'][number];

export type FlowGraphNode = Node<{ node: FlowNodeView; selected: boolean; onSelect: (key: string) => void }, 'job'>;

/**
 * One node of the graph: its key, job type and state in the state's colours, a progress bar while it
 * runs, and "done/all" for a fan-out. A button: choosing it (a click, which the graph's onNodeClick
 * receives, or Enter) shows the node's jobs under the graph.
 */
export function FlowNodeCard({ data }: NodeProps<FlowGraphNode>) {
  const { node, selected, onSelect } = data;
  const count = fanOutCount(node.jobs, node.fanOut);
  return (
    <>
      <Handle type="target" position={Position.Top} isConnectable={false} className="flow-handle" />
      <div
        className={`flow-node tone-${nodeTone(node.state)}${selected ? ' flow-node-selected' : ''}`}
        role="button"
        tabIndex={0}
        aria-pressed={selected}
        aria-label={`node ${node.key}: ${node.state}`}
        data-testid="flow-node"
        data-node={node.key}
        data-state={node.state}
        onKeyDown={(event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            onSelect(node.key);
          }
        }}
      >
        <div className="flow-node-top">
          <span className="flow-node-key mono">{node.key}</span>
          {count && (
            <span className="flow-node-count" title="completed of all items" data-testid="flow-node-count">
              {count}
            </span>
          )}
        </div>
        <div className="flow-node-type mono">{node.type}</div>
        <div className="flow-node-state">
          <span className="badge-dot" aria-hidden="true" />
          {node.state}
          {node.attempt > 1 && <span className="muted"> · attempt {node.attempt}</span>}
        </div>
        {node.state === 'running' && (
          <ProgressBar percent={nodeProgress(node.jobs)} state="active" compact label={`progress of ${node.key}`} />
        )}
      </div>
      <Handle type="source" position={Position.Bottom} isConnectable={false} className="flow-handle" />
    </>
  );
}
