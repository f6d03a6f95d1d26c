import type { RouterOutputs } from '../../trpc';

type Insight = RouterOutputs['insight'];

export type Trends = Insight['trends'];
export type DirectionOf = Trends['direction']['throughput'];
export type Performance = Insight['performance'];
export type PerfRow = Performance['byType'][number];
export type Durations = PerfRow['run'];
export type Failures = Insight['failures'];
export type FailureGroup = Failures['groups'][number];
export type InsightOverview = Insight['overview'];
export type Machines = Insight['machines'];
