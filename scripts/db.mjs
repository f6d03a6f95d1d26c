// `npm run db:migrate` and `npm run db:generate`: the database steps `npm run dev` takes by itself,
// on their own (a deployment migrates before it starts the new API and worker).
import { join } from 'node:path';
import { checkNode, ensureDependencies, ensurePrismaClient } from './lib/bootstrap.mjs';
import { log, repoRoot } from './lib/util.mjs';

const USAGE = `npm run db:migrate    applies the migrations of packages/db/prisma/migrations that the database lacks
npm run db:generate   generates the Prisma client (packages/db/src/generated) from schema.prisma

The database is DATABASE_URL, else a PostgreSQL on 127.0.0.1:5432 (database "jobdeck"), else the
embedded one under .data, as \`npm run dev\` chooses it.`;

const [command] = process.argv.slice(2);
if (!command || command === '--help' || process.argv.includes('--help')) {
  console.log(USAGE);
  process.exit(command && command !== '--help' && !['migrate', 'generate'].includes(command) ? 1 : 0);
}

checkNode();
ensureDependencies();
if (command === 'generate') {
  ensurePrismaClient({ force: true });
  log('Prisma client generated');
} else if (command === 'migrate') {
  ensurePrismaClient();
  const { chooseDatabase } = await import('./lib/infra.mjs');
  const { migrate } = await import('./lib/stack.mjs');
  const { stopProcess } = await import('./lib/processes.mjs');
  const database = await chooseDatabase({ databaseName: 'jobdeck', dataDir: join(repoRoot, '.data') });
  try {
    const { applied } = await migrate(database.url, { create: !database.embedded });
    log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'the database is up to date');
  } finally {
    if (database.child) await stopProcess(database.child, 5_000);
  }
} else {
  console.error(`no command ${command}\n\n${USAGE}`);
  process.exit(1);
}
