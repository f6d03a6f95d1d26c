// JSON Schema (as zod's toJSONSchema writes it) → a fast-check arbitrary of plausible valid values.
// Plausible, not exhaustive: short strings, small arrays, numbers inside their bounds with a bias to
// the bounds, dates near now. The mutations (mutate.ts) take it from there.
import fc from 'fast-check';

export type JsonSchema = { [key: string]: unknown } | boolean;
type SchemaObject = { [key: string]: unknown };

export interface SchemaArbitraryOptions {
  /** Called first for every node: return an arbitrary to replace the generic one (ids from pools, loopback URLs…). */
  override?: (schema: SchemaObject, path: string[]) => fc.Arbitrary<unknown> | undefined;
  /** Longest array generated for a valid draw (bounded below by minItems). */
  maxItems?: number;
}

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/** Small JSON values for fields typed `unknown`: what a real payload looks like. */
export const smallJson: fc.Arbitrary<unknown> = fc
  .jsonValue({ maxDepth: 2 })
  .map((value) => JSON.parse(JSON.stringify(value)) as unknown);

/** An ISO 8601 date-time within `[now + fromDays, now + toDays]`, in the Z or ±hh:mm spelling. */
export function isoDateTime(fromDays = -30, toDays = 30): fc.Arbitrary<string> {
  const now = Date.now();
  return fc
    .tuple(
      fc.integer({ min: Math.round(fromDays * 24 * 60), max: Math.round(toDays * 24 * 60) }),
      fc.constantFrom('Z', '+00:00', '+02:00', '-05:30'),
      fc.boolean(),
    )
    .map(([minutes, zone, millis]) => {
      const instant = new Date(now + minutes * 60_000);
      const iso = instant.toISOString(); // 2026-11-27T21:05:33.123Z
      const base = millis ? iso.slice(0, -1) : iso.slice(0, 19);
      if (zone === 'Z') return `${base}Z`;
      // The same instant written with an offset: shift the wall clock by the offset.
      const sign = zone.startsWith('-') ? -1 : 1;
      const [hours, mins] = zone.slice(1).split(':').map(Number) as [number, number];
      const shifted = new Date(instant.getTime() + sign * (hours * 60 + mins) * 60_000).toISOString();
      return `${millis ? shifted.slice(0, -1) : shifted.slice(0, 19)}${zone}`;
    });
}

/** URLs that only ever point at this machine (the network rule: tests talk to loopback only). */
export const loopbackUrl: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('http', 'https'),
    fc.constantFrom('127.0.0.1', 'localhost', '[::1]'),
    fc.integer({ min: 1, max: 65_535 }),
    fc.webPath({ size: 'small' }),
  )
  .map(([scheme, host, port, path]) => `${scheme}://${host}:${port}${path || '/'}`);

function integerBetween(min: number, max: number): fc.Arbitrary<number> {
  if (min > max) return fc.constant(min);
  const edges = fc.constantFrom(min, max);
  if (min >= INT32_MIN && max <= INT32_MAX)
    return fc.oneof({ arbitrary: fc.integer({ min, max }), weight: 4 }, { arbitrary: edges, weight: 1 });
  // Beyond 32 bits fast-check's integer does not go: spread a double over the range instead.
  const spread = fc
    .double({ min: 0, max: 1, maxExcluded: true, noNaN: true })
    .map((r) => Math.min(max, min + Math.floor(r * (max - min + 1))));
  const small = fc.integer({ min: Math.max(min, -1000), max: Math.min(max, 100_000) });
  return fc.oneof({ arbitrary: small, weight: 3 }, { arbitrary: spread, weight: 2 }, { arbitrary: edges, weight: 1 });
}

function numberArbitrary(schema: SchemaObject, integer: boolean): fc.Arbitrary<number> {
  const exclusiveMin = typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : undefined;
  const exclusiveMax = typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum : undefined;
  let min =
    typeof schema.minimum === 'number'
      ? schema.minimum
      : exclusiveMin !== undefined
        ? exclusiveMin + (integer ? 1 : Number.EPSILON)
        : -1_000_000;
  let max =
    typeof schema.maximum === 'number'
      ? schema.maximum
      : exclusiveMax !== undefined
        ? exclusiveMax - (integer ? 1 : Number.EPSILON)
        : 1_000_000;
  min = Math.max(min, Number.MIN_SAFE_INTEGER);
  max = Math.min(max, Number.MAX_SAFE_INTEGER);
  if (integer) return integerBetween(Math.ceil(min), Math.floor(max));
  return fc.oneof(
    {
      arbitrary: fc
        .double({ min, max, noNaN: true, noDefaultInfinity: true })
        .map((value) => (Object.is(value, -0) ? 0 : value)),
      weight: 4,
    },
    { arbitrary: fc.constantFrom(min, max), weight: 1 },
  );
}

function stringArbitrary(schema: SchemaObject): fc.Arbitrary<string> {
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : 64;
  const fits = (value: string) => value.length >= minLength && value.length <= maxLength;
  switch (schema.format) {
    case 'uuid':
      return fc.uuid({ version: [1, 4, 7] });
    case 'date-time':
      return isoDateTime();
    case 'uri':
    case 'url':
      return loopbackUrl.filter(fits);
    case 'email':
      return fc.emailAddress().filter(fits);
    default:
      break;
  }
  if (typeof schema.pattern === 'string') {
    // zod writes JavaScript regular expressions; a few thousand draws never need more than 80 characters.
    return fc.stringMatching(new RegExp(schema.pattern), { maxLength: Math.min(maxLength, 80) }).filter(fits);
  }
  const cap = Math.min(maxLength, Math.max(minLength, 24));
  return fc.string({ minLength, maxLength: cap });
}

/** The arbitrary for one schema node. */
export function schemaArbitrary(
  schema: JsonSchema,
  options: SchemaArbitraryOptions = {},
  path: string[] = [],
): fc.Arbitrary<unknown> {
  if (schema === true || schema === undefined) return smallJson;
  if (schema === false) return fc.constant(undefined);
  const node = schema as SchemaObject;
  const custom = options.override?.(node, path);
  if (custom) return custom;
  if ('const' in node) return fc.constant(node.const);
  if (Array.isArray(node.enum)) return fc.constantFrom(...(node.enum as unknown[]));
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(node[key]))
      return fc.oneof(...(node[key] as JsonSchema[]).map((branch) => schemaArbitrary(branch, options, path)));
  }
  if (Array.isArray(node.allOf) && node.allOf.length)
    return schemaArbitrary(node.allOf[0] as JsonSchema, options, path);
  const type = node.type;
  if (Array.isArray(type))
    return fc.oneof(...type.map((one) => schemaArbitrary({ ...node, type: one }, options, path)));
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return numberArbitrary(node, true);
    case 'number':
      return numberArbitrary(node, false);
    case 'string':
      return stringArbitrary(node);
    case 'array': {
      const minItems = typeof node.minItems === 'number' ? node.minItems : 0;
      const maxItems = Math.max(
        minItems,
        Math.min(typeof node.maxItems === 'number' ? node.maxItems : 5, options.maxItems ?? 5),
      );
      const items = schemaArbitrary((node.items as JsonSchema) ?? true, options, [...path, '0']);
      return fc.array(items, { minLength: minItems, maxLength: maxItems });
    }
    case 'object':
      return objectArbitrary(node, options, path);
    default:
      // No type: an unconstrained value (zod's unknown / any).
      return smallJson;
  }
}

function objectArbitrary(node: SchemaObject, options: SchemaArbitraryOptions, path: string[]): fc.Arbitrary<unknown> {
  const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
  const names = Object.keys(properties);
  const additional = node.additionalProperties;
  if (!names.length) {
    if (additional === false) return fc.constant({});
    // A record: keys from propertyNames, values from additionalProperties.
    const keySchema = (node.propertyNames ?? { type: 'string' }) as JsonSchema;
    const keys = (schemaArbitrary(keySchema, options, [...path, '*']) as fc.Arbitrary<string>).filter(
      (key) => typeof key === 'string' && key !== '__proto__',
    );
    const values =
      additional === undefined || additional === true
        ? smallJson
        : schemaArbitrary(additional as JsonSchema, options, [...path, '*']);
    return fc.dictionary(keys, values, { maxKeys: 4 });
  }
  const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const name of names) shape[name] = schemaArbitrary(properties[name]!, options, [...path, name]);
  return fc.record(shape, { requiredKeys: names.filter((name) => required.has(name)) }) as fc.Arbitrary<unknown>;
}
