import { z } from 'zod';

const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2200, 0, 1);

/**
 * An ISO 8601 date-time within two centuries. Wider ranges are typos, and the edges are traps:
 * year 0 is valid ISO yet out of PostgreSQL's range, and 9999 is a job that never runs.
 */
export function dateTime(what: string) {
  return z.iso
    .datetime({ offset: true, error: `${what} must be an ISO 8601 date-time` })
    .refine(
      (value) => Date.parse(value) >= EARLIEST && Date.parse(value) < LATEST,
      `${what} must be between the years 2000 and 2199`,
    );
}
