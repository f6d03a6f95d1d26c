// Mutations of a plausible valid input: what a hostile or broken client sends. Each one is small and
// named, so that a finding says what was done to the input and where.

/** A small seeded PRNG (mulberry32): the fuzzer's choices replay from the seed. */
export interface Rng {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

export function rng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (probability) => next() < probability,
  };
}

export const MUTATIONS = [
  'wrong-type',
  'out-of-range',
  'huge-string',
  'deep-nesting',
  'nul-byte',
  'odd-unicode-value',
  'odd-unicode-key',
  'unknown-key',
  'proto-key',
  'long-key',
  'array-for-object',
  'null',
  'missing-required',
  'number-as-string',
  'boundary-string',
  'far-date',
  'root-replace',
  'duplicate-entries',
  'empty-values',
] as const;
export type MutationKind = (typeof MUTATIONS)[number];

/** Odd but storable-looking text: control characters, lone surrogates, direction overrides, joiners. */
export const ODD_TEXT = [
  '\u0000',
  '\ud800',
  '\udfff',
  'a\ud83dz',
  '\u202e',
  '\u202d\u2066',
  '\u200b',
  '\u200d',
  '\ufeff',
  '\u2028',
  '\u2029',
  '\u0085',
  '\u00a0',
  '\uffff',
  '\ufffe',
  '\u007f',
  '\u001b[31m',
  '\r\n',
  '\t',
  'e\u0301\u0301\u0301',
  'ﷺ',
  '🧨',
  '👩‍👩‍👧‍👦',
  '𝕏',
  'İ',
  'ß',
  '\u0000\u0000\u0000',
];

/** Strings at the edges of what fields such as cursors, ids, numbers and dates expect. */
export const BOUNDARY_STRINGS = [
  '',
  ' ',
  'x',
  '0',
  '-1',
  '123456789012345678901234567890',
  '9'.repeat(400),
  '1e309',
  'NaN',
  'Infinity',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '../../etc/passwd',
  "' OR 1=1 --",
  "JobType='x' OR 1=1",
  '"; DROP TABLE "Job"; --',
  '%00',
  '%s%s%n',
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '\\',
  '\\u0000',
  'a'.repeat(301),
  '-0',
  '0x10',
  '2026-02-30T00:00:00Z',
];

/** Date-times the schemas' ISO 8601 check lets through, most of them absurd. */
export const FAR_DATES = [
  '9999-12-31T23:59:59Z',
  '9999-12-31T23:59:59.999+14:00',
  '2999-01-01T00:00:00Z',
  '2100-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '1900-02-28T00:00:00-12:00',
  '0000-01-01T00:00:00Z',
];

const WRONG_VALUES: unknown[] = [0, -1, 1.5, 1e300, true, false, null, '', 'x', [], {}, [1, 'a'], { a: 1 }, '\u0000'];

type Path = Array<string | number>;
type Json = unknown;

interface Node {
  path: Path;
  value: Json;
}

function typeOf(value: Json): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function isObject(value: Json): value is Record<string, Json> {
  return typeOf(value) === 'object';
}

/** Every node of a JSON value, root first, down to a depth (mutations near the top matter most). */
function nodes(value: Json, maxDepth = 8): Node[] {
  const found: Node[] = [];
  const walk = (current: Json, path: Path) => {
    found.push({ path, value: current });
    if (path.length >= maxDepth) return;
    if (Array.isArray(current)) current.slice(0, 20).forEach((item, index) => walk(item, [...path, index]));
    else if (isObject(current)) for (const key of Object.keys(current).slice(0, 40)) walk(current[key], [...path, key]);
  };
  walk(value, []);
  return found;
}

/** Sets an own property, even one named __proto__ (plain assignment would change the prototype). */
export function defineOwn(target: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function setAt(root: Json, path: Path, value: Json): Json {
  if (!path.length) return value;
  let parent = root as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path.at(-1)!;
  if (Array.isArray(parent)) parent[last as number] = value;
  else defineOwn(parent as Record<string, Json>, String(last), value);
  return root;
}

function deleteAt(root: Json, path: Path): Json {
  if (!path.length) return undefined;
  let parent = root as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path.at(-1)!;
  if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete parent[last];
  return root;
}

export function pathText(path: Path): string {
  return path.length
    ? path
        .map((part) =>
          typeof part === 'number'
            ? `[${part}]`
            : /^[\w$-]+$/.test(part) && part.length <= 40
              ? part
              : JSON.stringify(part.slice(0, 20)),
        )
        .join('.')
    : '(root)';
}

function clone(value: Json): Json {
  if (value === undefined) return undefined;
  // JSON round trip keeps own __proto__ keys (JSON.parse defines them as own properties).
  return JSON.parse(JSON.stringify(value)) as Json;
}

/** Nested arrays or objects `depth` levels deep, built without recursion. */
export function nested(depth: number, kind: 'array' | 'object', leaf: Json = 1): Json {
  let value: Json = leaf;
  for (let level = 0; level < depth; level++) value = kind === 'array' ? [value] : { a: value };
  return value;
}

/** Items to repeat, none bigger than 2 KiB once serialised: repeating a huge item would only exhaust memory. */
function small(items: Json[]): Json[] {
  return items.map((item) => ((JSON.stringify(item)?.length ?? 0) > 2048 ? 'x' : item));
}

/** Inputs are capped at this size once serialised: past the 1 MiB body limit, more bytes test nothing new. */
export const MAX_INPUT_CHARS = 2.5 * 1024 * 1024;

function oddInsert(text: string, r: Rng, odd: string): string {
  const at = r.int(0, text.length);
  return r.chance(0.2) ? odd : `${text.slice(0, at)}${odd}${text.slice(at)}`;
}

export interface Mutated {
  value: Json;
  /** What was done, e.g. `nul-byte@options.idempotencyKey`. */
  label: string;
  kind: MutationKind;
  path: Path;
  /** For unknown-key: the key added (the oracle checks that queries refuse it). */
  addedKey?: string;
}

const UNKNOWN_KEYS = [
  'extra',
  'direction',
  'isAdmin',
  'role',
  'debug',
  'x',
  'limit2',
  'cursorX',
  'options2',
  'idd',
  'Type',
  'ID',
  'where',
  'orderBy',
  '$where',
];

/** Applies one mutation of the given kind at a random suitable place. */
export function mutate(input: Json, kind: MutationKind, r: Rng): Mutated {
  const value = clone(input);
  const all = nodes(value);
  const strings = all.filter((node) => typeof node.value === 'string');
  const numbers = all.filter((node) => typeof node.value === 'number');
  const objects = all.filter((node) => isObject(node.value));
  const arrays = all.filter((node) => Array.isArray(node.value));
  const any = (list: Node[]) => (list.length ? r.pick(list) : r.pick(all));
  const done = (result: Json, node: Node, extra: Partial<Mutated> = {}): Mutated => ({
    value: result,
    label: `${kind}@${pathText(node.path)}`,
    kind,
    path: node.path,
    ...extra,
  });
  // An array made to one of these lengths, its entries taken from its first few (an empty one gets 'x').
  const regrow = (lengths: number[], entry: (items: Json[], index: number) => Json | undefined) => {
    const node = r.pick(arrays);
    const items = small(node.value as Json[]);
    const grown = Array.from({ length: r.pick(lengths) }, (_, index) => clone(entry(items, index) ?? 'x'));
    return done(setAt(value, node.path, grown), node);
  };

  switch (kind) {
    case 'wrong-type': {
      const node = r.pick(all);
      const candidates = WRONG_VALUES.filter((candidate) => typeOf(candidate) !== typeOf(node.value));
      return done(setAt(value, node.path, clone(r.pick(candidates))), node);
    }
    case 'out-of-range': {
      if (numbers.length && r.chance(0.7)) {
        const node = r.pick(numbers);
        return done(
          setAt(
            value,
            node.path,
            r.pick([
              1e308,
              -1e308,
              2 ** 53 + 2,
              -(2 ** 53) - 2,
              1e21,
              -1,
              0,
              1.5,
              0.000001,
              2 ** 31,
              -(2 ** 31) - 1,
              86_400_000 * 366 * 100,
            ]),
          ),
          node,
        );
      }
      if (arrays.length && r.chance(0.5)) {
        return regrow([11, 26, 101, 1001, 5000], (items, index) => items[index % Math.max(items.length, 1)]);
      }
      const node = any(strings);
      return done(setAt(value, node.path, 'a'.repeat(r.pick([101, 201, 255, 301, 501, 1001, 2049, 4097, 5000]))), node);
    }
    case 'huge-string': {
      const node = any(strings);
      const length = r.pick([20_000, 100_000, 300_000, 1_000_000, 1_100_000]);
      const unit = r.pick(['x', 'é', '😀', '\u0000', '\ud800', ' ']);
      return done(setAt(value, node.path, unit.repeat(Math.ceil(length / unit.length))), node);
    }
    case 'deep-nesting': {
      const node = r.chance(0.5) && objects.length ? r.pick(objects) : r.pick(all);
      const depth = r.pick([33, 50, 64, 100, 200, 1000, 3000]);
      return done(
        setAt(value, node.path, nested(depth, r.chance(0.5) ? 'array' : 'object', r.pick([1, 'x', null, {}]))),
        node,
      );
    }
    case 'nul-byte': {
      if (!strings.length) {
        const node = r.pick(all);
        return done(setAt(value, node.path, '\u0000'), node);
      }
      const node = r.pick(strings);
      return done(
        setAt(value, node.path, oddInsert(node.value as string, r, r.pick(['\u0000', '\u0000\u0000', 'a\u0000b']))),
        node,
      );
    }
    case 'odd-unicode-value': {
      if (!strings.length) {
        const node = r.pick(all);
        return done(setAt(value, node.path, r.pick(ODD_TEXT)), node);
      }
      const node = r.pick(strings);
      return done(setAt(value, node.path, oddInsert(node.value as string, r, r.pick(ODD_TEXT))), node);
    }
    case 'odd-unicode-key': {
      const node = objects.length ? r.pick(objects) : { path: [] as Path, value: {} };
      const target = (node.path.length ? node.value : objects.length ? value : {}) as Record<string, Json>;
      const existing = Object.keys(target);
      const odd = r.pick(ODD_TEXT);
      if (existing.length && r.chance(0.5)) {
        // Rename a known key with an odd character inside: "na\u0000me".
        const key = r.pick(existing);
        const renamed = oddInsert(key, r, odd);
        const moved = target[key];
        delete target[key];
        defineOwn(target, renamed, moved);
        return done(objects.length ? value : target, node, { addedKey: renamed });
      }
      defineOwn(target, odd, r.pick(['x', 1, null]));
      return done(objects.length ? value : target, node, { addedKey: odd });
    }
    case 'unknown-key': {
      const node = objects.length
        ? r.chance(0.7) && isObject(value)
          ? all[0]!
          : r.pick(objects)
        : { path: [] as Path, value: {} };
      const target = (objects.length ? node.value : {}) as Record<string, Json>;
      const key = r.pick(UNKNOWN_KEYS);
      if (!Object.prototype.hasOwnProperty.call(target, key))
        defineOwn(target, key, clone(r.pick([1, 'x', true, null, {}, [], 'backward'])));
      return done(objects.length ? value : target, node, { addedKey: key });
    }
    case 'proto-key': {
      const node = objects.length ? r.pick(objects) : { path: [] as Path, value: {} };
      const target = (objects.length ? node.value : {}) as Record<string, Json>;
      const key = r.pick(['__proto__', 'constructor', 'prototype', '__defineGetter__', 'toString', 'hasOwnProperty']);
      defineOwn(
        target,
        key,
        clone(r.pick([{ isAdmin: true, role: 'admin' }, { prototype: { isAdmin: true } }, 'x', null, 1])),
      );
      return done(objects.length ? value : target, node, { addedKey: key });
    }
    case 'long-key': {
      const node = objects.length ? r.pick(objects) : { path: [] as Path, value: {} };
      const target = (objects.length ? node.value : {}) as Record<string, Json>;
      const key = r.pick(['k', 'é', '\u0000', '🧨']).repeat(r.pick([300, 5_000, 100_000]));
      defineOwn(target, key, 1);
      return done(objects.length ? value : target, node, { addedKey: `${key.slice(0, 8)}…(${key.length})` });
    }
    case 'array-for-object': {
      const node = objects.length ? r.pick(objects) : all[0]!;
      const replacement = r.chance(0.5) ? [node.value] : isObject(node.value) ? Object.values(node.value) : [];
      return done(setAt(value, node.path, clone(replacement)), node);
    }
    case 'null': {
      const node = r.pick(all);
      return done(setAt(value, node.path, null), node);
    }
    case 'missing-required': {
      const withKeys = all.filter(
        (node) =>
          node.path.length > 0 &&
          isObject(
            all.find(
              (other) =>
                other.path.length === node.path.length - 1 &&
                other.path.every((part, index) => part === node.path[index]),
            )?.value,
          ),
      );
      if (!withKeys.length) return done(undefined, all[0]!);
      // Mostly a top-level field: the required ones live there.
      const top = withKeys.filter((node) => node.path.length === 1);
      const node = top.length && r.chance(0.7) ? r.pick(top) : r.pick(withKeys);
      return done(deleteAt(value, node.path), node);
    }
    case 'number-as-string': {
      const candidates = all.filter((node) => typeof node.value === 'number' || typeof node.value === 'boolean');
      if (!candidates.length) return mutate(input, 'wrong-type', r);
      const node = r.pick(candidates);
      return done(setAt(value, node.path, String(node.value)), node);
    }
    case 'boundary-string': {
      const node = any(strings);
      return done(setAt(value, node.path, r.pick(BOUNDARY_STRINGS)), node);
    }
    case 'far-date': {
      const dates = strings.filter((node) => /^\d{4}-\d\d-\d\dT/.test(node.value as string));
      const runAt = dates.find((node) => node.path.at(-1) === 'runAt');
      const node = runAt && r.chance(0.6) ? runAt : dates.length ? r.pick(dates) : any(strings);
      return done(setAt(value, node.path, r.pick(FAR_DATES)), node);
    }
    case 'root-replace':
      return done(clone(r.pick([null, 0, -1, '', 'x', [], true, '\u0000', [[]], [{}], 1e308, 'null'])), all[0]!);
    case 'duplicate-entries': {
      if (!arrays.length) return mutate(input, 'out-of-range', r);
      return regrow([2, 10, 100, 1000], (items) => items[0]);
    }
    case 'empty-values': {
      const node = r.pick(all);
      const empty =
        typeof node.value === 'string'
          ? ''
          : Array.isArray(node.value)
            ? []
            : isObject(node.value)
              ? {}
              : typeof node.value === 'number'
                ? 0
                : '';
      return done(setAt(value, node.path, empty), node);
    }
  }
}
