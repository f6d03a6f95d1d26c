// A flow's definition before anything starts: its graph (sandbox/flow/graph.ts), its references
// (sandbox/flow/references.ts), its shape (flowShapeProblems) and its nodes against the job types (checkFlowNodes).
import { describe, expect, it } from 'vitest';
import { findJobType } from '../../src/catalog';
import { checkFlowNodes } from '../../src/flows/check';
import { flowDefinition, flowShapeProblems, MAX_FLOW_JOBS, type FlowDefinitionInput } from '../../src/flows/definition';
import { ancestorsOf, findCycle, parentsOf, topologicalOrder } from '../../src/sandbox/flow/graph';
import {
  findReferences,
  FlowReferenceError,
  parseReference,
  readPath,
  resolveReferences,
} from '../../src/sandbox/flow/references';

const edges = (...pairs: Array<[string, string]>) => pairs.map(([from, to]) => ({ from, to }));
const node = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  type: 'data.sync',
  input: {},
  continueOnFailure: false,
  ...extra,
});
const messages = (flow: Parameters<typeof flowShapeProblems>[0]) => flowShapeProblems(flow).map((p) => p.message);

describe('flow graph', () => {
  it('lists parents and ancestors, and orders nodes after their parents', () => {
    const keys = ['a', 'b', 'c', 'd'];
    const graph = edges(['a', 'c'], ['b', 'c'], ['c', 'd'], ['a', 'c']);
    const parents = parentsOf(keys, graph);
    expect(Object.fromEntries(parents)).toEqual({ a: [], b: [], c: ['a', 'b'], d: ['c'] });
    expect([...ancestorsOf('d', parents)].sort()).toEqual(['a', 'b', 'c']);
    expect(topologicalOrder(['d', 'c', 'b', 'a'], graph)).toEqual(['b', 'a', 'c', 'd']);
    expect(findCycle(keys, graph)).toBeNull();
  });

  it('names a cycle along its nodes, and refuses to order it', () => {
    const graph = edges(['a', 'b'], ['b', 'c'], ['c', 'a']);
    expect(findCycle(['a', 'b', 'c'], graph)).toEqual(['a', 'b', 'c', 'a']);
    expect(() => topologicalOrder(['a', 'b', 'c'], graph)).toThrow(/cycle/);
  });
});

describe('flow references', () => {
  it('parses results, ids and items, and says what is wrong with the rest', () => {
    expect(parseReference('sync.result.files.0.name')).toEqual({
      source: 'sync',
      field: 'result',
      path: ['files', '0', 'name'],
      text: '{{ sync.result.files.0.name }}',
    });
    expect(parseReference('sync.id')).toMatchObject({ field: 'id', path: [] });
    expect(parseReference('item.url')).toMatchObject({ source: 'item', field: '', path: ['url'] });
    expect(parseReference('sync.output')).toMatch(/must say \.result or \.id/);
    expect(parseReference('sync.id.x')).toMatch(/a node's id has no fields/);
    expect(parseReference('a b')).toMatch(/is not a reference/);
  });

  it('finds references where they sit, whole or inside text', () => {
    const sites = findReferences({ a: '{{ x.result }}', b: ['n={{ y.id }} {{ item }}'] });
    expect(sites).toMatchObject([
      { at: ['a'], whole: true, reference: { source: 'x' } },
      { at: ['b', 0], whole: false, reference: { source: 'y' } },
      { at: ['b', 0], whole: false, reference: { source: 'item' } },
    ]);
  });

  it("puts a whole reference's value in place, of any type, and text into text", () => {
    const values: Record<string, unknown> = { rows: [1, 2], id: 'j1', n: 3 };
    const lookup = (reference: { path: string[]; field: string }) =>
      reference.field === 'id' ? values.id : readPath(values, reference.path);
    expect(
      resolveReferences({ rows: '{{ s.result.rows }}', t: 'job {{ s.id }}: {{ s.result.rows }}' }, lookup),
    ).toEqual({
      rows: [1, 2],
      t: 'job j1: [1,2]',
    });
    expect(() => resolveReferences('{{ s.result.nothing }}', lookup)).toThrow(FlowReferenceError);
    expect(() => resolveReferences('{{ s.result.nothing }}', lookup)).toThrow('{{ s.result.nothing }} has no value');
    expect(readPath({ a: [{ b: 1 }] }, ['a', '0', 'b'])).toBe(1);
    expect(readPath({ a: 1 }, ['constructor'])).toBeUndefined();
  });
});

describe('flow definition', () => {
  it('accepts a valid flow with defaults', () => {
    const parsed = flowDefinition.parse({
      name: 'ok',
      nodes: [node('sync'), { key: 'report', type: 'report.generate', input: { title: '{{ sync.id }}' } }],
      edges: edges(['sync', 'report']),
    } satisfies FlowDefinitionInput);
    expect(parsed).toMatchObject({ onFailure: 'stop', retryWindowMs: 3 * 86_400_000 });
    expect(parsed.nodes[1]).toMatchObject({ continueOnFailure: false });
  });

  it('refuses duplicates, dangling edges and self-edges, naming the node', () => {
    expect(messages({ nodes: [node('a'), node('a')], edges: [] })).toEqual(['node "a" is declared twice']);
    expect(messages({ nodes: [node('a')], edges: edges(['a', 'ghost']) })).toEqual([
      'edge a → ghost: there is no node "ghost"',
    ]);
    expect(messages({ nodes: [node('a')], edges: edges(['a', 'a']) })).toEqual(['node "a" cannot depend on itself']);
  });

  it('refuses a cycle, naming it', () => {
    expect(
      messages({ nodes: [node('a'), node('b'), node('c')], edges: edges(['a', 'b'], ['b', 'c'], ['c', 'b']) }),
    ).toEqual(['the flow has a cycle: b → c → b']);
  });

  it('refuses references to nodes that are not upstream, and items outside a fan-out', () => {
    const problems = messages({
      nodes: [node('a'), node('b', { input: { x: '{{ a.result }}', y: '{{ item }}', z: '{{ a.output }}' } })],
      edges: [],
    });
    expect(problems).toEqual([
      'node "b": {{ a.result }} refers to "a", which is not upstream of it',
      'node "b": {{ item }} is only known to a fan-out\'s input',
      expect.stringMatching(/^node "b": \{\{ a\.output \}\} must say \.result or \.id/),
    ]);
  });

  it('refuses a fanOut reference that is not one upstream result, and more than 1000 jobs', () => {
    expect(
      messages({ nodes: [node('a'), node('b', { fanOut: 'x {{ a.result }}' })], edges: edges(['a', 'b']) }),
    ).toEqual([
      'node "b": fanOut is a list, or exactly one reference to an upstream node\'s result ({{ <node>.result.<path> }})',
    ]);
    expect(
      messages({
        nodes: [node('a', { fanOut: Array.from({ length: MAX_FLOW_JOBS }, (_, i) => i) }), node('b')],
        edges: [],
      }),
    ).toEqual(['the flow would start 1001 jobs; at most 1000']);
  });

  it('checks nodes against the job types: unknown types, roles, inputs (references wait), fan-out items', () => {
    const catalog = { find: findJobType };
    const flow = flowDefinition.parse({
      name: 'checked',
      nodes: [
        { key: 'nope', type: 'no.such-type' },
        { key: 'clean', type: 'maintenance.cleanup', input: { olderThanDays: 30 } },
        { key: 'sync', type: 'data.sync', input: { source: 'crm', records: '{{ nope.result.n }}' } },
        { key: 'bad', type: 'data.sync', input: { source: 'crm', records: -1 } },
        {
          key: 'fan',
          type: 'data.sync',
          fanOut: [{ n: 1 }, { n: 'x' }],
          input: { source: 'crm', records: '{{ item.n }}' },
        },
      ],
      edges: edges(['nope', 'sync']),
    });
    const problems = checkFlowNodes(flow, catalog, { name: 'op@example.com', role: 'operator' }).map((p) => p.message);
    expect(problems).toEqual([
      'node "nope": unknown job type "no.such-type"',
      'node "clean": starting maintenance.cleanup jobs requires the admin role; you are operator',
      expect.stringMatching(/^node "bad": input\.records: /),
      expect.stringMatching(/^node "fan" \(fanOut item 1\): input\.records: /),
    ]);
  });
});
