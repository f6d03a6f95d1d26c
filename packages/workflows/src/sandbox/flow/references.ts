// Runs inside Temporal's deterministic workflow sandbox (the flow.run workflow) and in the API alike.
//
// A flow node's input may take values from the nodes upstream of it, written `{{ <node>.result.<path> }}`
// (what that node's job returned), `{{ <node>.id }}` (its job id) or, inside a fan-out, `{{ item.<path> }}`
// (the item this child runs for). A string that is exactly one reference becomes the value itself, of
// any JSON type; a reference inside longer text is written into it as text. A path is dot-separated
// keys and array indexes: `{{ sync.result.files.0.name }}`. A fanned-out node's `result` and `id` are
// the arrays of its children's, in the order of its items.

export interface Reference {
  /** The node referred to, or `item`. */
  source: string;
  /** `result` or `id` for a node; empty for `item`. */
  field: 'result' | 'id' | '';
  /** The keys and indexes after the field. */
  path: string[];
  /** As written, for messages: `{{ sync.result.rows }}`. */
  text: string;
}

/** Where in a node's input a reference sits, and the reference. */
export interface ReferenceSite {
  /** The keys and indexes from the input's root to the string holding it. */
  at: Array<string | number>;
  reference: Reference;
  /** The string is exactly this one reference (it becomes the value, not text). */
  whole: boolean;
}

const REFERENCE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Reads one reference's inside (`sync.result.rows`); a string saying what is wrong when it cannot. */
export function parseReference(inside: string): Reference | string {
  const text = `{{ ${inside} }}`;
  const segments = inside.split('.');
  if (!inside || segments.some((segment) => !SEGMENT.test(segment)))
    return `${text} is not a reference: write {{ <node>.result.<path> }}, {{ <node>.id }} or {{ item.<path> }}`;
  const [source, ...rest] = segments as [string, ...string[]];
  if (source === 'item') return { source, field: '', path: rest, text };
  const [field, ...path] = rest;
  if (field !== 'result' && field !== 'id')
    return `${text} must say .result or .id after the node's key ({{ ${source}.result… }})`;
  if (field === 'id' && path.length) return `${text}: a node's id has no fields`;
  return { source, field, path, text };
}

/** Every reference in a value (problems included, as strings), depth first. */
export function findReferences(
  value: unknown,
  at: Array<string | number> = [],
): Array<ReferenceSite | { at: Array<string | number>; problem: string }> {
  if (typeof value === 'string') {
    const matches = [...value.matchAll(REFERENCE)];
    const whole = matches.length === 1 && matches[0]![0] === value;
    return matches.map((match) => {
      const parsed = parseReference(match[1]!);
      return typeof parsed === 'string' ? { at, problem: parsed } : { at, reference: parsed, whole };
    });
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => findReferences(item, [...at, index]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => findReferences(item, [...at, key]));
  return [];
}

/** Reads a path into a value: undefined when a step is missing. */
export function readPath(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const step of path) {
    if (Array.isArray(current) && /^\d+$/.test(step)) current = current[Number(step)];
    else if (current && typeof current === 'object' && Object.hasOwn(current, step))
      current = (current as Record<string, unknown>)[step];
    else return undefined;
  }
  return current;
}

/** Thrown when a reference cannot be resolved at run time: the node fails, saying which and why. */
export class FlowReferenceError extends Error {
  override name = 'FlowReferenceError';
}

/**
 * The value with every reference replaced. `lookup` answers a reference's value (undefined: missing);
 * a missing value is an error, not a silent null: the node would otherwise run with a hole in its input.
 */
export function resolveReferences(value: unknown, lookup: (reference: Reference) => unknown): unknown {
  if (typeof value === 'string') {
    const matches = [...value.matchAll(REFERENCE)];
    if (!matches.length) return value;
    const valueOf = (inside: string) => {
      const reference = parseReference(inside);
      if (typeof reference === 'string') throw new FlowReferenceError(reference);
      const found = lookup(reference);
      if (found === undefined) throw new FlowReferenceError(`${reference.text} has no value`);
      return found;
    };
    if (matches.length === 1 && matches[0]![0] === value) return valueOf(matches[0]![1]!);
    return value.replace(REFERENCE, (_, inside: string) => {
      const found = valueOf(inside);
      return typeof found === 'string' ? found : JSON.stringify(found);
    });
  }
  if (Array.isArray(value)) return value.map((item) => resolveReferences(item, lookup));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveReferences(item, lookup)]));
  return value;
}
