import { z } from 'zod';

/** A job's id (its Temporal workflow id) as callers may give it. */
export const jobIdSchema = z
  .string()
  .min(1, 'id is required')
  .max(300)
  .regex(/^[\w.:-]+$/, 'id is a job id such as report.generate-20261127-101500-a1b2c3');
