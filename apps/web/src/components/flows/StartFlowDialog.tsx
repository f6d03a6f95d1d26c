import { useState } from 'react';
import { useNavigate } from 'react-router';
import { issuesOf, messageOf } from '../../lib/errors';
import { json, parseJsonInput } from '../../lib/format';
import { trpc, type RouterInputs } from '../../trpc';
import { ConfirmButtons } from '../dialog/ConfirmDialog';
import { Dialog } from '../dialog/Dialog';
import { JsonInputField } from '../JobFields';
import { useToast } from '../toasts/Toasts';
import { EXAMPLE_FLOW, problemsByNode, type NodeProblems } from './flow-example';

type FlowStart = RouterInputs['flows']['start'];

/** What the server (or the JSON parser) refused, node by node. */
function Problems({ problems }: { problems: NodeProblems[] }) {
  if (!problems.length) return null;
  return (
    <div className="form-error flow-problems" role="alert" data-testid="flow-problems">
      <p>The flow was refused:</p>
      <ul>
        {problems.map(({ node, messages }) => (
          <li key={node ?? ''} data-testid="flow-problem" data-node={node ?? ''}>
            {node ? (
              <>
                node <code>{node}</code>:{' '}
              </>
            ) : null}
            {messages.join('; ')}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A flow definition typed as JSON (prefilled with an example), started with flows.start; then its page. */
export function StartFlowDialog({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const toast = useToast();
  const utils = trpc.useUtils();
  const start = trpc.flows.start.useMutation();
  const [text, setText] = useState(() => json(EXAMPLE_FLOW));
  const [problems, setProblems] = useState<NodeProblems[]>([]);

  const submit = () => {
    const parsed = parseJsonInput(text);
    if (parsed.error) return setProblems([{ node: null, messages: [parsed.error.replace(/^input/, 'definition')] }]);
    setProblems([]);
    start.mutate(parsed.value as FlowStart, {
      onSuccess: (result) => {
        void utils.flows.list.invalidate();
        toast.push({
          tone: 'ok',
          title: `Started flow ${result.id}`,
          body: `${result.nodes} nodes, ${result.jobs} jobs`,
        });
        onClose();
        navigate(`/flows/${encodeURIComponent(result.id)}`);
      },
      onError: (error) => {
        const issues = issuesOf(error);
        setProblems(
          issues.length ? problemsByNode(parsed.value, issues) : [{ node: null, messages: [messageOf(error)] }],
        );
      },
    });
  };

  return (
    <Dialog
      title="Start a flow"
      onClose={onClose}
      busy={start.isPending}
      testId="start-flow-dialog"
      wide
      onSubmit={submit}
      footer={
        <ConfirmButtons
          confirmLabel={start.isPending ? 'Starting…' : 'Start flow'}
          busy={start.isPending}
          onClose={onClose}
        />
      }
    >
      <p className="muted small">
        Nodes are jobs (type, input, options as for enqueueing); an edge <code>from → to</code> starts <code>to</code>{' '}
        once <code>from</code> completed. Inputs may use a parent&apos;s result:{' '}
        <code>{'{{ sync.result.records }}'}</code>; <code>fanOut</code> runs a node once per item (
        <code>{'{{ item }}'}</code>).
      </p>
      <JsonInputField
        label="Flow definition"
        hint="JSON"
        value={text}
        onChange={(value) => {
          setText(value);
          setProblems([]);
        }}
        testId="flow-definition"
        minRows={12}
        maxRows={24}
      />
      <Problems problems={problems} />
    </Dialog>
  );
}
