import { useState } from 'react';
import { useParams } from 'react-router';
import { FlowFacts } from '../../components/flows/FlowFacts';
import { FlowGraph } from '../../components/flows/FlowGraph';
import { FlowHeader } from '../../components/flows/FlowHeader';
import { FlowNodePanel } from '../../components/flows/FlowNodePanel';
import type { FlowDetail } from '../../components/flows/FlowNodeCard';
import { ItemState, RefreshError } from '../../components/ItemState';
import { useFlow } from '../../lib/useFlow';
import '../../components/flows/Flows.css';

/** Without a choice, the node an operator most likely wants: the first failed one, else the first running. */
function defaultNode(flow: FlowDetail): string | null {
  return (
    flow.nodes.find((node) => node.state === 'failed')?.key ??
    flow.nodes.find((node) => node.state === 'running')?.key ??
    null
  );
}

/** One flow: its graph coloured by live state, the chosen node's jobs, and the flow's facts. */
export default function FlowPage() {
  const { id = '' } = useParams();
  const flow = useFlow(id);
  const [chosen, setChosen] = useState<string | null>(null);

  return (
    <ItemState query={flow} noun="flow" back={{ to: '/flows', label: 'Back to flows' }}>
      {(data) => {
        const selected = chosen ?? defaultNode(data);
        return (
          <div className="page flow-page" data-testid="flow-page" data-flow-id={data.id}>
            <FlowHeader flow={data} />
            <RefreshError query={flow} />
            <FlowGraph flow={data} selected={selected} onSelect={setChosen} />
            <div className="flow-body">
              <FlowNodePanel flow={data} node={data.nodes.find((node) => node.key === selected)} />
              <aside className="job-side">
                <FlowFacts flow={data} />
              </aside>
            </div>
          </div>
        );
      }}
    </ItemState>
  );
}
