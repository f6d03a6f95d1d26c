import { useCallback } from 'react';
import { trpc } from '../../trpc';

/** An action changes the job, the lists and the counts: fetch them again, and once more when Temporal has caught up. */
export function useInvalidateJobs() {
  const utils = trpc.useUtils();
  return useCallback(
    (...ids: string[]) => {
      const run = () => {
        for (const id of ids) void utils.jobs.get.invalidate({ id });
        void utils.jobs.list.invalidate();
        void utils.jobs.search.invalidate();
        void utils.jobs.stats.invalidate();
      };
      run();
      for (const ms of [1_500, 5_000]) setTimeout(run, ms);
    },
    [utils],
  );
}
