import { Controls, ReactFlow, type Edge } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo } from 'react';
import { FlowNodeCard, type FlowDetail, type FlowGraphNode } from './FlowNodeCard';
import { layoutFlow } from './flow-layout';
import './FlowGraph.css';

const NODE_TYPES = { job: FlowNodeCard };
const MIN_HEIGHT = 220;
const MAX_HEIGHT = 560;

/**
 * The flow's graph (React Flow, laid out by dagre top to bottom), read-only: nothing is dragged or
 * connected; a node is chosen by click or keyboard. Its colours follow the states as they change.
 */
export function FlowGraph({
  flow,
  selected,
  onSelect,
}: {
  flow: FlowDetail;
  selected: string | null;
  onSelect: (key: string) => void;
}) {
  // The layout depends only on the graph's shape, which a flow never changes: laid out once per flow,
  // not at every refetch.
  const shape = JSON.stringify([flow.nodes.map((node) => node.key), flow.edges]);
  const laidOut = useMemo(() => {
    const [keys, edges] = JSON.parse(shape) as [string[], FlowDetail['edges']];
    return layoutFlow(keys, edges);
  }, [shape]);
  const nodes: FlowGraphNode[] = flow.nodes.map((node) => ({
    id: node.key,
    type: 'job',
    position: laidOut.positions[node.key] ?? { x: 0, y: 0 },
    data: { node, selected: node.key === selected, onSelect },
    draggable: false,
    connectable: false,
  }));
  const states = new Map(flow.nodes.map((node) => [node.key, node.state]));
  const edges: Edge[] = flow.edges.map((edge) => ({
    id: `${edge.from}->${edge.to}`,
    source: edge.from,
    target: edge.to,
    animated: states.get(edge.to) === 'running',
    className: `flow-edge flow-edge-${states.get(edge.from) ?? 'pending'}`,
  }));
  const height = Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, laidOut.height + 48));

  return (
    <div className="flow-graph" role="region" aria-label="Flow graph" style={{ height }} data-testid="flow-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodeClick={(_, clicked) => onSelect(clicked.id)}
        fitView
        fitViewOptions={{ padding: 0.12, maxZoom: 1 }}
        minZoom={0.2}
        maxZoom={1.5}
        nodesDraggable={false}
        nodesConnectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        elementsSelectable={false}
        zoomOnScroll={false}
        preventScrolling={false}
        zoomOnDoubleClick={false}
      >
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
