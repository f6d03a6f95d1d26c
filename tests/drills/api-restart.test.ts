// Drill 5: the API is restarted under enqueue load, once with SIGTERM and once with SIGKILL, while
// clients enqueue with idempotency keys and retry until they get an answer. No job is lost or
// doubled; a SIGTERM drops no request it had accepted (it stops accepting, finishes, then exits).
import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { countRows, drillOutcome, post, report, waitClosed, type Answered } from '../support/drill-checks';
import { useDrill } from '../support/drill-setup';

const CLIENTS = 4;
const LOAD_BETWEEN_MS = 6_000;

const drill = useDrill({ name: 'api-restart' });

interface Attempt extends Answered {
  key: string;
  start: number;
  end: number;
}

/** What the API printed when it finished draining (apps/api/src/main.ts). */
function drainReport(output: string): { finished: number; cut: number; streams: number; closed: number } | null {
  const match =
    /(\d+) requests finished, (\d+) cut after the grace period, (\d+) live streams ended, (\d+) connections closed by the API/.exec(
      output,
    );
  return match
    ? { finished: Number(match[1]), cut: Number(match[2]), streams: Number(match[3]), closed: Number(match[4]) }
    : null;
}

describe('drill: API restarted under enqueue load', () => {
  it('with SIGTERM and with SIGKILL, loses and doubles no job, and SIGTERM drops no request', async () => {
    const { stack, receiver, token, temporal } = drill;
    let { api } = drill;
    const attempts: Attempt[] = [];
    const acknowledged = new Map<string, string>();
    const unanswered: string[] = [];
    let stopLoad = false;
    const loop = async (c: number) => {
      for (let n = 0; !stopLoad; n++) {
        const key = `drill5-${c}-${n}`;
        const input = {
          type: 'webhook.deliver',
          input: { url: receiver.url, payload: { drill: 5, key } },
          options: { idempotencyKey: key },
        };
        const deadline = Date.now() + 60_000;
        for (;;) {
          const start = Date.now();
          const answer = await post(api.url, 'jobs.enqueue', token, input, 15_000);
          attempts.push({ ...answer, key, start, end: Date.now() });
          if (answer.status === 200) {
            acknowledged.set(key, answer.json.result.data.id);
            break;
          }
          if (Date.now() > deadline) {
            unanswered.push(key);
            break;
          }
          await sleep(200);
        }
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, c) => loop(c)));

    const restart = async (signal: 'SIGTERM' | 'SIGKILL') => {
      await sleep(LOAD_BETWEEN_MS);
      const at = Date.now();
      const stopped = api;
      stopped.child.kill(signal);
      const { code } = await stopped.exited;
      const exitedAt = Date.now();
      api = await stack.startApi(stopped.port);
      return { at, exitedAt, exitCode: code, downMs: Date.now() - at, said: drainReport(stopped.output.join('')) };
    };
    const term = await restart('SIGTERM');
    const kill = await restart('SIGKILL');
    await sleep(LOAD_BETWEEN_MS);
    stopLoad = true;
    await load;

    // Cut: the client got no answer on a connection it had opened. A refused connection was never
    // accepted. A reset can be either: a request the API dropped, or a connection the kernel had
    // completed in the listen backlog when the API closed its listener, which the API never saw (Linux
    // resets those; no server can close a listener without that race). The API's own account of its
    // drain tells them apart: it reports every request it cut and every connection it closed unasked.
    const cut = (attempt: Attempt) => attempt.status === 0 && attempt.error !== 'ECONNREFUSED';
    const around = (attempt: Attempt, window: { at: number; exitedAt: number }) =>
      attempt.end >= window.at && attempt.start <= window.exitedAt;
    const droppedOnTerm = attempts.filter((attempt) => cut(attempt) && around(attempt, term));
    const droppedOnKill = attempts.filter((attempt) => cut(attempt) && around(attempt, kill));
    const ids = [...acknowledged.values()];
    const views = await waitClosed(temporal, ids, 90_000);
    let workflows = 0;
    for await (const _ of temporal.workflow.list({ query: `JobType = 'webhook.deliver'` })) workflows++;
    const rows = await countRows(stack, `type = 'webhook.deliver'`, []);
    const keyedRows = await countRows(stack, `"idempotencyKey" = ANY($1)`, [[...acknowledged.keys()]]);
    const wrongIds = [...acknowledged].filter(([key, id]) => id !== `webhook.deliver-key-${key}`);
    const outcome = await drillOutcome(drill, views, { webhooks: ids });
    const statuses = attempts.reduce<Record<string, number>>(
      (acc, a) => ((acc[a.status || a.error!] = (acc[a.status || a.error!] ?? 0) + 1), acc),
      {},
    );
    const figures = {
      keys: acknowledged.size + unanswered.length,
      acknowledged: acknowledged.size,
      unanswered: unanswered.length,
      attempts: statuses,
      sigterm: {
        exitCode: term.exitCode,
        exitMs: term.exitedAt - term.at,
        downMs: term.downMs,
        apiSays: term.said,
        resetBeforeAccepted: droppedOnTerm.length,
      },
      sigkill: { downMs: kill.downMs, cut: droppedOnKill.length },
      workflows,
      rows,
      keyedRows,
      wrongIds: wrongIds.length,
      ...outcome.figures,
    };
    report('drill 5', 'API restarts', figures, { 'record mismatches': outcome.mismatches });
    if (droppedOnTerm.length)
      console.log(
        `drill 5 reset around SIGTERM: ${droppedOnTerm.map((a) => `${a.key} ${a.error} after ${a.ms} ms`).join(', ')}`,
      );

    expect(unanswered).toEqual([]);
    // SIGTERM drops no request: every request the API received was answered, no connection it had
    // accepted was closed unasked, and what resets the clients saw can only be the backlog's.
    expect(term.exitCode).toBe(0);
    expect(term.said).toMatchObject({ cut: 0, closed: 0 });
    expect(droppedOnTerm.filter((a) => a.error !== 'ECONNRESET').map((a) => `${a.key}: ${a.error}`)).toEqual([]);
    // One job per key, in Temporal and in Postgres: none lost, none doubled.
    expect({ workflows, rows, keyedRows, wrongIds: wrongIds.length }).toEqual({
      workflows: acknowledged.size,
      rows: acknowledged.size,
      keyedRows: acknowledged.size,
      wrongIds: 0,
    });
    expect(outcome.notCompleted).toEqual([]);
    expect(outcome.deliveries).toMatchObject({ never: 0, twice: 0, more: 0 });
    expect(outcome.mismatches).toEqual([]);
  });
});
