import type { RouterInputs, RouterOutputs } from '../../trpc';

/** jobs.search's filter, as the API's router declares it (the zod schema itself stays on the server). */
export type JobSearch = NonNullable<Exclude<RouterInputs['jobs']['search'], void | undefined>['search']>;
export type SearchAnswer = RouterOutputs['jobs']['search'];
export type SearchTotal = NonNullable<SearchAnswer['total']>;
export type SavedView = RouterOutputs['views']['list'][number];

export type TimeRangeKey = 'created' | 'started' | 'finished';
export type NumberRangeKey = 'runMs' | 'waitMs' | 'attempts';
export type ListKey = 'states' | 'types' | 'queues' | 'priorities';
