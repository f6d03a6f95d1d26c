// insight.overview: for each job type's card on the overview, its last 24 hours hour by hour and the
// schedules that run it with their next run. Cached briefly: every open overview polls it.
import { jobTypes } from '@jobdeck/workflows';
import type { Services } from '../services';
import { listSchedules } from '../schedules/service';
import { entryOf } from './entry';

const HOUR = 3_600_000;
const HOURS = 24;

export async function insightOverview(services: Services, now = new Date()) {
  return services.cache.remember('insight.overview', 10_000, async () => {
    const to = Math.floor(now.getTime() / HOUR) * HOUR + HOUR;
    const from = to - HOURS * HOUR;
    const [{ rows }, schedules] = await Promise.all([
      services.sql.query<{ type: string; at: Date; completed: number; unsuccessful: number }>(
        `SELECT "type", "bucketStart" AS "at",
                (sum("count") FILTER (WHERE "outcome" = 'completed'))::integer AS "completed",
                (sum("count") FILTER (WHERE "outcome" IN ('failed', 'timed_out', 'terminated')))::integer AS "unsuccessful"
           FROM "JobRollup" WHERE "grain" = 'hour' AND "bucketStart" >= $1::timestamptz AND "bucketStart" < $2::timestamptz
          GROUP BY 1, 2`,
        [new Date(from).toISOString(), new Date(to).toISOString()],
      ),
      // Temporal away: the cards still show their trend, and say the schedules are unknown.
      listSchedules(services).then(
        (list) => ({ available: true as const, list }),
        () => ({ available: false as const, list: [] }),
      ),
    ]);
    const byType = new Map<string, Map<number, { completed: number; unsuccessful: number }>>();
    for (const row of rows) {
      entryOf(byType, row.type, () => new Map()).set(row.at.getTime(), {
        completed: row.completed ?? 0,
        unsuccessful: row.unsuccessful ?? 0,
      });
    }
    return {
      schedulesAvailable: schedules.available,
      types: jobTypes.map(({ type }) => ({
        type,
        points: Array.from({ length: HOURS }, (_, index) => {
          const at = from + index * HOUR;
          return {
            at: new Date(at).toISOString(),
            ...(byType.get(type)?.get(at) ?? { completed: 0, unsuccessful: 0 }),
          };
        }),
        schedules: schedules.list
          .filter((schedule) => schedule.type === type)
          .map((schedule) => ({
            id: schedule.id,
            name: schedule.name,
            paused: schedule.paused,
            description: schedule.descriptions.join('; '),
            nextRunAt: schedule.paused ? null : (schedule.nextRuns[0] ?? null),
          })),
      })),
    };
  });
}
