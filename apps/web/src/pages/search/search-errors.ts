import { errorsByField } from '../../components/FormErrors';
import type { Issue } from '../../lib/errors';

/** The fields of the search form a refusal may name; anything else is the form's. */
export const SEARCH_FIELDS = [
  'q',
  'states',
  'types',
  'queues',
  'priorities',
  'requestedBy',
  'scheduleId',
  'templateId',
  'retryOf',
  'created',
  'started',
  'finished',
  'runMs',
  'waitMs',
  'attempts',
  'hasError',
  'sort',
  'order',
] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];
export type SearchErrors = Partial<Record<SearchField | 'form', string[]>>;

/**
 * A refused search's messages by the field they name. The API's issues carry the path into the input:
 * `["search", "runMs", "min"]` for jobs.search, bulk and exports alike; the field is the key after `search`.
 */
export function searchErrorsOf(error: unknown): SearchErrors {
  const fieldOf = (issue: Issue): SearchField | 'form' => {
    const at = issue.path[0] === 'search' ? 1 : 0;
    const key = issue.path[at];
    return SEARCH_FIELDS.includes(key as SearchField) ? (key as SearchField) : 'form';
  };
  const describe = (issue: Issue) => {
    const at = issue.path[0] === 'search' ? 1 : 0;
    const rest = issue.path.slice(at + 1);
    return rest.length ? `${rest.join('.')}: ${issue.message}` : issue.message;
  };
  return errorsByField<SearchField>(error, fieldOf, describe);
}
