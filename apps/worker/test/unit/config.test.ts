import { describe, expect, it } from 'vitest';
import { defaultQueues, jobTypes, queueConcurrency } from '@jobdeck/workflows';
import { parseQueues } from '../../src/config';

describe('JOBDECK_QUEUES', () => {
  it('defaults to every queue of the catalogue, each with the largest concurrency of its job types', () => {
    const queues = parseQueues(undefined);
    expect(queues.map((queue) => queue.name)).toEqual(defaultQueues());
    expect(new Set(queues.map((queue) => queue.name))).toEqual(new Set(jobTypes.map((jobType) => jobType.queue)));
    for (const queue of queues) {
      const asked = jobTypes.filter((jobType) => jobType.queue === queue.name).map((jobType) => jobType.concurrency);
      expect(
        asked.every((concurrency) => concurrency <= queue.concurrency),
        queue.name,
      ).toBe(true);
      expect(asked, queue.name).toContain(queue.concurrency);
    }
  });

  it('takes names with optional concurrency', () => {
    const [first, second] = defaultQueues() as [string, string];
    expect(parseQueues(`${first}:50, ${second}`)).toEqual([
      { name: first, concurrency: 50 },
      { name: second, concurrency: queueConcurrency(second) },
    ]);
    // A queue no job type names (enqueue's `queue` option) gets 5 unless told.
    expect(parseQueues('dedicated-pool, other:7')).toEqual([
      { name: 'dedicated-pool', concurrency: 5 },
      { name: 'other', concurrency: 7 },
    ]);
  });

  it('says what is wrong', () => {
    expect(() => parseQueues('Bad Queue')).toThrow(/not a queue name/);
    expect(() => parseQueues('sync:0')).toThrow(/concurrency of sync must be 1..1000/);
    expect(() => parseQueues('sync:1001')).toThrow(/concurrency of sync must be 1..1000/);
  });
});
