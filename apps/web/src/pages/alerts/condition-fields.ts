import { ALERT_SEVERITIES, type AlertRuleKind } from '@jobdeck/workflows/vocabulary';

/**
 * The fields of each rule kind's condition, as the form shows them (the schemas themselves are the
 * API's: packages/workflows/src/alerts/rules.ts). A draft holds text; `conditionOf` makes the input.
 */

export interface ConditionField {
  key: string;
  label: string;
  input: 'type' | 'queue' | 'number' | 'text' | 'select' | 'checks';
  /** Left empty, the key is left out (the API's default or "all"). */
  optional?: boolean;
  /** The form's starting value. */
  initial?: string | string[];
  options?: readonly string[];
  hint?: string;
  /** For numbers: whole numbers only. */
  integer?: boolean;
}

const scope: ConditionField[] = [
  { key: 'type', label: 'Job type', input: 'type', optional: true, hint: 'empty: every type' },
  { key: 'queue', label: 'Queue', input: 'queue', optional: true, hint: 'empty: every queue' },
];

export const CONDITION_FIELDS: Record<AlertRuleKind, ConditionField[]> = {
  failure_rate: [
    ...scope,
    { key: 'windowMinutes', label: 'Window', input: 'number', integer: true, initial: '15', hint: 'minutes' },
    { key: 'thresholdPercent', label: 'Failure rate at or above', input: 'number', initial: '10', hint: '%' },
    {
      key: 'minVolume',
      label: 'Minimum finished jobs',
      input: 'number',
      integer: true,
      initial: '10',
      hint: 'fewer: not judged',
    },
  ],
  failure_count: [
    ...scope,
    { key: 'windowMinutes', label: 'Window', input: 'number', integer: true, initial: '15', hint: 'minutes' },
    { key: 'threshold', label: 'Failures at least', input: 'number', integer: true, initial: '1' },
  ],
  backlog: [
    { key: 'queue', label: 'Queue', input: 'queue' },
    { key: 'maxBacklog', label: 'Backlog at or above', input: 'number', integer: true, optional: true, hint: 'tasks' },
    {
      key: 'maxOldestWaitSeconds',
      label: 'Oldest waiting at least',
      input: 'number',
      integer: true,
      optional: true,
      hint: 'seconds',
    },
  ],
  stuck: [
    {
      key: 'minSeverity',
      label: 'Stuck jobs of severity at least',
      input: 'select',
      options: ALERT_SEVERITIES,
      initial: 'medium',
    },
  ],
  no_workers: [
    { key: 'queue', label: 'Queue', input: 'queue' },
    { key: 'forMinutes', label: 'No worker for', input: 'number', integer: true, initial: '5', hint: 'minutes' },
  ],
  schedule: [
    { key: 'scheduleId', label: 'Schedule id', input: 'text', optional: true, hint: 'empty: every schedule' },
    { key: 'on', label: 'When a run', input: 'checks', options: ['failed', 'missed'], initial: ['failed', 'missed'] },
  ],
  every_failure: [
    { key: 'type', label: 'Job type', input: 'type' },
    { key: 'maxPerHour', label: 'Notifications per hour at most', input: 'number', integer: true, initial: '20' },
  ],
  dependency: [
    { key: 'target', label: 'Dependency', input: 'select', options: ['postgres', 'redis'], initial: 'postgres' },
    { key: 'maxUsagePercent', label: 'Usage at or above', input: 'number', optional: true, hint: '%, optional' },
  ],
};

export type ConditionDraft = Record<string, string | string[]>;

/** A kind's starting draft, or a stored condition's as text. */
export function conditionDraft(kind: AlertRuleKind, condition?: unknown): ConditionDraft {
  const stored = (condition && typeof condition === 'object' ? condition : {}) as Record<string, unknown>;
  const draft: ConditionDraft = {};
  for (const field of CONDITION_FIELDS[kind]) {
    const value = stored[field.key];
    if (field.input === 'checks')
      draft[field.key] = Array.isArray(value) ? value.map(String) : [...(field.initial ?? [])];
    else draft[field.key] = value === undefined || value === null ? ((field.initial as string) ?? '') : String(value);
  }
  return draft;
}

/** The draft as the API's condition: numbers as numbers, empty optional fields left out. */
export function conditionOf(kind: AlertRuleKind, draft: ConditionDraft): Record<string, unknown> {
  const condition: Record<string, unknown> = {};
  for (const field of CONDITION_FIELDS[kind]) {
    const value = draft[field.key];
    if (Array.isArray(value)) {
      condition[field.key] = value;
      continue;
    }
    const text = (value ?? '').trim();
    if (!text && field.optional) continue;
    // An empty or unreadable number goes as it is: the API's refusal names the field.
    condition[field.key] = field.input === 'number' && text && Number.isFinite(Number(text)) ? Number(text) : text;
  }
  return condition;
}
