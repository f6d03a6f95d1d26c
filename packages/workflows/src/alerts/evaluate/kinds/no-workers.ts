import { ruleMemory } from './memory';
import { inWords, lookAtTaskQueue } from './task-queue';
import type { KindEvaluator } from './types';

/** Temporal lists a poller until this long after its last poll, then forgets it. */
const POLLER_KEPT_MS = 5 * 60_000;
/**
 * Temporal records a poll when it starts, and an idle worker's poll stays open up to a minute (the
 * SDK gives up at 70 s): a worker is still polling until this long after its last recorded poll.
 */
const LONG_POLL_MS = 70_000;

/**
 * No worker polling a queue (workflow or activity tasks) for forMinutes. The last poller seen is
 * remembered (ruleMemory), because Temporal forgets it after 5 minutes: a rule of 30 minutes still
 * knows who polled last. A queue no poller was ever seen on counts as quiet since 5 minutes before
 * the rule first looked (Temporal would list anyone who polled since).
 */
export const evaluateNoWorkers: KindEvaluator<'no_workers'> = async (ctx, rule) => {
  const { queue, forMinutes } = rule.condition;
  const now = ctx.now.getTime();
  const look = await lookAtTaskQueue(ctx.deps, queue);
  const memory = ruleMemory(ctx.deps.alerting, rule.id);
  const remembered = await memory.read();

  const latest = [...look.workflow.pollers, ...look.activity.pollers]
    .map((poller) => ({ identity: poller.identity, at: poller.lastAccessMs ?? now }))
    .sort((a, b) => b.at - a.at)[0];
  let lastSeen: { identity: string; at: number } | null = null;
  let quietSince: number;
  if (latest) {
    lastSeen = latest;
    quietSince = latest.at + LONG_POLL_MS;
    await memory.write({ queue, lastPollerIdentity: latest.identity, lastPollerAt: String(latest.at), neverSince: '' });
  } else if (remembered.queue === queue && remembered.lastPollerAt) {
    lastSeen = { identity: remembered.lastPollerIdentity ?? '', at: Number(remembered.lastPollerAt) };
    quietSince = lastSeen.at + LONG_POLL_MS;
  } else {
    quietSince =
      remembered.queue === queue && remembered.neverSince ? Number(remembered.neverSince) : now - POLLER_KEPT_MS;
    await memory.write({ queue, neverSince: String(quietSince), lastPollerIdentity: '', lastPollerAt: '' });
  }

  const quietMs = Math.max(0, now - quietSince);
  const active = quietMs >= forMinutes * 60_000;
  const seen = lastSeen
    ? `last poll by ${lastSeen.identity || 'an unnamed worker'} at ${new Date(lastSeen.at).toISOString()}`
    : 'no poller ever seen';
  return [
    {
      subject: queue,
      queue,
      active,
      message: active
        ? `No worker polling queue ${queue} for ${inWords(quietMs)}, at least ${forMinutes} min (${seen})`
        : `A worker polls queue ${queue} (${seen})`,
      facts: [
        { label: 'Queue', value: queue },
        { label: 'Last poller', value: lastSeen ? lastSeen.identity || 'unnamed' : 'never' },
        { label: 'Last seen', value: lastSeen ? new Date(lastSeen.at).toISOString() : 'never' },
        { label: 'Without a worker for', value: inWords(quietMs) },
        { label: 'Threshold', value: `${forMinutes} min` },
        { label: 'Paused', value: look.paused ? 'yes' : 'no' },
      ],
    },
  ];
};
