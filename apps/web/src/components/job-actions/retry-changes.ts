import type { Issue } from '../../lib/errors';
import type { RouterInputs } from '../../trpc';

export type RetryField =
  'priority' | 'maxAttempts' | 'initialIntervalMs' | 'backoffCoefficient' | 'maximumIntervalMs' | 'input' | 'form';
export type RetryErrors = Partial<Record<RetryField, string[]>>;
type RetryChanges = NonNullable<RouterInputs['jobs']['retry']['changes']>;

/** What the form holds, as typed: empty means "unchanged". */
export interface RetryDraft {
  priority: string;
  maxAttempts: string;
  initialIntervalMs: string;
  backoffCoefficient: string;
  maximumIntervalMs: string;
  input: string;
  supersede: boolean;
}

/** The overrides as an object, or null while they are not a JSON object. */
export function parseOverrides(input: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(input || '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The changes to send, or the errors that keep the form from being sent. */
export function retryChangesOf(draft: RetryDraft): { changes: RetryChanges; errors: RetryErrors } {
  const errors: RetryErrors = {};
  const number = (field: RetryField & keyof RetryDraft, integer: boolean): number | undefined => {
    const value = String(draft[field]);
    if (value.trim() === '') return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed))) {
      (errors[field] ??= []).push(`${field}: ${integer ? 'a whole number' : 'a number'}`);
      return undefined;
    }
    return parsed;
  };
  const changes: RetryChanges = { supersede: draft.supersede };
  if (draft.priority) changes.priority = draft.priority as RetryChanges['priority'];
  const attempts = number('maxAttempts', true);
  if (attempts !== undefined) changes.maxAttempts = attempts;
  const backoff = {
    initialIntervalMs: number('initialIntervalMs', true),
    backoffCoefficient: number('backoffCoefficient', false),
    maximumIntervalMs: number('maximumIntervalMs', true),
  };
  const setBackoff = Object.fromEntries(Object.entries(backoff).filter(([, value]) => value !== undefined));
  if (Object.keys(setBackoff).length) changes.backoff = setBackoff;
  const overrides = parseOverrides(draft.input);
  if (!overrides) errors.input = ['input: a JSON object, such as {"records": 100}'];
  else if (Object.keys(overrides).length) changes.input = overrides;
  return { changes, errors };
}

function retryFieldOf(issue: Issue): RetryField {
  const [head, field, sub] = issue.path;
  if (head !== 'changes') return 'form';
  if (field === 'backoff')
    return sub === 'initialIntervalMs' || sub === 'backoffCoefficient' || sub === 'maximumIntervalMs' ? sub : 'form';
  if (field === 'priority' || field === 'maxAttempts' || field === 'input') return field;
  return 'form';
}

function describeIssue(issue: Issue): string {
  const path = issue.path[0] === 'changes' ? issue.path.slice(1) : issue.path;
  return path.length ? `${path.join('.')}: ${issue.message}` : issue.message;
}

/**
 * The server's refusal by field; null when it is not a refusal of the form (then it is a toast).
 * The job type's own schema refusing the merged input says so in its message: "input.records: Too big".
 */
export function retryErrorsOf(issues: Issue[], status: number | undefined, message: string): RetryErrors | null {
  const errors: RetryErrors = {};
  for (const issue of issues) (errors[retryFieldOf(issue)] ??= []).push(describeIssue(issue));
  if (Object.keys(errors).length) return errors;
  if (status !== 400) return null;
  return /^input\b/.test(message) ? { input: message.split('; ') } : { form: [message] };
}
