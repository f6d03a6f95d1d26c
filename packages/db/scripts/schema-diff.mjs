// Prints the SQL that takes a database from one Prisma schema (or from nothing) to another,
// the same script `prisma migrate diff --script` prints, using Prisma's schema engine built
// to WebAssembly: it needs no native engine download. Run with `node --experimental-wasm-modules`.
//
//   node --experimental-wasm-modules scripts/schema-diff.mjs [--from old.prisma] [--to prisma/schema.prisma]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SchemaEngine } from '@prisma/schema-engine-wasm';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    to: { type: 'string', default: new URL('../prisma/schema.prisma', import.meta.url).pathname },
  },
});

function datamodel(path) {
  return { tag: 'schemaDatamodel', files: [{ path, content: readFileSync(path, 'utf8') }] };
}

// The engine opens a connection when it starts, though a diff between datamodels reads nothing from it.
const connectionString = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString }));
const engine = await SchemaEngine.new({ datamodels: undefined }, () => {}, adapter);
const result = await engine.diff({
  from: values.from ? datamodel(values.from) : { tag: 'empty' },
  to: datamodel(values.to),
  script: true,
  exitCode: null,
  filters: { externalTables: [], externalEnums: [] },
});
process.stdout.write(result.stdout ?? '');
engine.free();
process.exit(0);
