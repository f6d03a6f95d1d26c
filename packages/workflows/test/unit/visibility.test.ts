import { describe, expect, it } from 'vitest';
import { jobsQuery, quote, stateClause } from '../../src/control/visibility';

describe('visibility queries', () => {
  it('reads live states from JobState and closed ones from ExecutionStatus', () => {
    expect(stateClause('active')).toBe("ExecutionStatus='Running' AND JobState='active'");
    expect(stateClause('cancelled')).toBe("ExecutionStatus='Canceled'");
    expect(stateClause('timed_out')).toBe("ExecutionStatus='TimedOut'");
  });

  it('combines filters into what `temporal workflow list --query` accepts', () => {
    expect(jobsQuery({})).toBe('JobType IS NOT NULL');
    expect(jobsQuery({ type: 'data.sync', queue: 'sync', state: 'failed' })).toBe(
      "JobType IS NOT NULL AND JobType='data.sync' AND TaskQueue='sync' AND ExecutionStatus='Failed'",
    );
  });

  it('refuses values that could change the query', () => {
    expect(() => quote("x' OR JobType IS NULL OR '")).toThrow(/refusing/);
    expect(() => quote('a b')).toThrow();
    expect(quote('report.generate')).toBe("'report.generate'");
  });
});
