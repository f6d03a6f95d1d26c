import { describe, expect, it } from 'vitest';
import { parseQueues } from '../../src/config';

describe('JOBDECK_QUEUES', () => {
  it('defaults to every queue of the catalogue with its default concurrency', () => {
    expect(parseQueues(undefined)).toEqual([
      { name: 'control', concurrency: 2 },
      { name: 'maintenance', concurrency: 1 },
      { name: 'reports', concurrency: 2 },
      { name: 'sync', concurrency: 4 },
      { name: 'webhooks', concurrency: 20 },
    ]);
  });

  it('takes names with optional concurrency', () => {
    expect(parseQueues('webhooks:50, sync')).toEqual([
      { name: 'webhooks', concurrency: 50 },
      { name: 'sync', concurrency: 4 },
    ]);
  });

  it('says what is wrong', () => {
    expect(() => parseQueues('Bad Queue')).toThrow(/not a queue name/);
    expect(() => parseQueues('sync:0')).toThrow(/concurrency of sync must be 1..1000/);
  });
});
