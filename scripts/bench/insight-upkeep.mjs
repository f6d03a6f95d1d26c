// The insight benchmark's upkeep figure: what the rollups cost each finishing job. Interleaved rounds
// of one UPDATE per job (the worker's end write; one in five failing, with an error from the seed's
// templates) with the insight triggers on and off, on one connection: the difference per job, median
// of the rounds; then the triggers' own time per end as EXPLAIN ANALYZE reports it.
import { randomUUID } from 'node:crypto';
import { median, summarize } from './measure.mjs';
import { ERROR_TEMPLATES, INSIGHT_TYPES, utcNow } from './insight-seed.mjs';

/**
 * What insight costs a finishing job: every UPDATE trigger on "Job" but the state counters (older than
 * insight): the AFTER one that adds the job to the rollups, the BEFORE one that derives its fingerprint.
 */
const UPKEEP_TRIGGERS_SQL = `SELECT t.tgname FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
  WHERE t.tgrelid = '"Job"'::regclass AND NOT t.tgisinternal AND (t.tgtype & 16) <> 0
    AND p.proname <> 'jobdeck_count_job_states' ORDER BY 1`;
const endUpdateSql = (failing) =>
  failing
    ? `UPDATE "Job" SET "state" = $2::"JobState", "error" = $3::text, "errorStack" = $4::text, "errorType" = $5::text,
              "finishedAt" = $6::timestamp(3), "updatedAt" = $6::timestamp(3) WHERE "id" = $1`
    : `UPDATE "Job" SET "state" = $2::"JobState", "result" = $3::jsonb, "resultSummary" = $4::text,
              "progressPercent" = $5::double precision, "finishedAt" = $6::timestamp(3), "updatedAt" = $6::timestamp(3) WHERE "id" = $1`;

/** The worker's end write for job i (every fifth fails, with an error from the seed's templates, unless `failing` is false). */
function endParams(id, i, failing = true) {
  const finishedAt = utcNow();
  if (i % 5 !== 0 || !failing)
    return [false, [id, 'completed', JSON.stringify({ processed: i }), `${i} records`, 100, finishedAt]];
  const [errorType, template] = ERROR_TEMPLATES[(i * 7) % ERROR_TEMPLATES.length];
  const message = template
    .replaceAll('{port}', String(1024 + ((i * 7919) % 64000)))
    .replaceAll('{uuid}', randomUUID())
    .replaceAll('{n}', String(i * 31))
    .replaceAll('{ms}', String(1000 + (i % 29000)))
    .replaceAll('{id}', `j${randomUUID().slice(0, 10)}`)
    .replaceAll('{url}', `https://hooks.partner-${i % 40}.test/in/${randomUUID().slice(0, 8)}`)
    .replaceAll('{ts}', new Date().toISOString());
  return [
    true,
    [id, 'failed', message, `${errorType}: ${message}\n    at run (/app/jobs/x.ts:42:11)`, errorType, finishedAt],
  ];
}

export async function measureUpkeep(client, { rounds, perRound, log }) {
  const upkeepTriggers = (await client.query(UPKEEP_TRIGGERS_SQL)).rows.map((row) => row.tgname);
  let serial = 0;
  const types = INSIGHT_TYPES.map(([type]) => type);
  const queues = INSIGHT_TYPES.map(([, queue]) => queue);
  /** perRound active records, as the worker leaves them when an attempt starts (not timed). */
  const prepare = async () => {
    const first = serial;
    serial += perRound;
    const { rows } = await client.query(
      `INSERT INTO "Job" ("id", "type", "queue", "state", "input", "requestedBy", "maxAttempts", "attempts", "createdAt", "startedAt", "updatedAt")
       SELECT 'upkeep-' || g, ($2::text[])[1 + g % $4], ($3::text[])[1 + g % $4], 'active', '{}'::jsonb, 'bench', 3, 1,
              $5::timestamp - (g % 900 + 5) * interval '1 second', $5::timestamp - (g % 300) * interval '1 second', $5::timestamp
         FROM generate_series($1::int, $1::int + $6::int - 1) AS g
       RETURNING "id"`,
      [first, types, queues, types.length, utcNow(), perRound],
    );
    return rows.map((row) => row.id);
  };
  // A failing end that the triggers refuse is reported, and the ends measured are then all successful.
  let failingRefused = null;
  await client.query(endUpdateSql(true), endParams((await prepare())[0], 0)[1]).catch((error) => {
    failingRefused = error.message;
  });
  const finish = async (ids) => {
    const t0 = performance.now();
    for (const [i, id] of ids.entries()) {
      const [failing, params] = endParams(id, i, !failingRefused);
      await client.query(endUpdateSql(failing), params);
    }
    return (performance.now() - t0) / ids.length;
  };
  const setTriggers = (on) =>
    client.query(
      `ALTER TABLE "Job" ${upkeepTriggers.map((name) => `${on ? 'ENABLE' : 'DISABLE'} TRIGGER "${name}"`).join(', ')}`,
    );

  const perJob = { on: [], off: [] };
  try {
    // One round of each, not counted: the statements' plans and the buckets' rows warm up.
    for (const on of [true, false]) {
      await setTriggers(on);
      await finish(await prepare());
    }
    for (let round = 0; round < rounds; round++) {
      for (const mode of round % 2 ? ['on', 'off'] : ['off', 'on']) {
        await setTriggers(mode === 'on');
        perJob[mode].push(await finish(await prepare()));
      }
    }
  } finally {
    await setTriggers(true);
  }
  const differences = perJob.on.map((on, round) => on - perJob.off[round]);

  // The triggers' own time, as the server measures it, per finishing job (completed and failed apart).
  const triggerMs = { completed: [], failed: [] };
  const ids = await prepare();
  for (const [i, id] of ids.entries()) {
    const [failing, params] = endParams(id, i, !failingRefused);
    const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${endUpdateSql(failing)}`, params);
    const [plan] = rows[0]['QUERY PLAN'];
    const time = (plan.Triggers ?? [])
      .filter((trigger) => upkeepTriggers.includes(trigger['Trigger Name']))
      .reduce((sum, trigger) => sum + trigger.Time, 0);
    triggerMs[failing ? 'failed' : 'completed'].push(time);
  }
  log(`insight: upkeep measured over ${rounds} rounds of ${perRound} ends each way`);
  return {
    triggers: upkeepTriggers,
    failingRefused,
    rounds,
    perRound,
    perJobOn: perJob.on,
    perJobOff: perJob.off,
    differenceMs: median(differences),
    onMs: median(perJob.on),
    offMs: median(perJob.off),
    trigger: {
      completed: summarize(triggerMs.completed),
      failed: triggerMs.failed.length ? summarize(triggerMs.failed) : null,
      all: summarize([...triggerMs.completed, ...triggerMs.failed]),
    },
  };
}
