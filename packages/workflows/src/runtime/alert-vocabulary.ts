/** The words of alerting (issue 12), for every layer: rule kinds, channel kinds, what a notification says. */

export const ALERT_RULE_KINDS = [
  'failure_rate',
  'failure_count',
  'backlog',
  'stuck',
  'no_workers',
  'schedule',
  'every_failure',
  'dependency',
] as const;
export type AlertRuleKind = (typeof ALERT_RULE_KINDS)[number];

/** One line per kind, for forms and the README. */
export const ALERT_RULE_KIND_LABELS: Record<AlertRuleKind, string> = {
  failure_rate: 'Failure rate of a job type or queue over a window above a percentage (with a minimum volume)',
  failure_count: 'Failures of a job type or queue in a window above a count',
  backlog: "A queue's backlog or oldest waiting task above a threshold",
  stuck: 'Stuck jobs at or above a severity',
  no_workers: 'No worker polling a queue for a time',
  schedule: "A schedule's run failed, or a run was missed",
  every_failure: 'Every failure of a job type (rate-limited)',
  dependency: 'Postgres or Redis unreachable, or above a resource threshold',
};

export const ALERT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type AlertSeverityName = (typeof ALERT_SEVERITIES)[number];

export const ALERT_CHANNEL_KINDS = ['webhook', 'slack', 'email', 'dashboard'] as const;
export type AlertChannelKind = (typeof ALERT_CHANNEL_KINDS)[number];
/** The channels an alerts.notify job delivers to; the dashboard's bell reads the firings themselves. */
export const DELIVERED_CHANNEL_KINDS: readonly AlertChannelKind[] = ['webhook', 'slack', 'email'];

/** What a notification tells: a firing started, still lasts (repeat), ended, or a channel's test. */
export const ALERT_NOTIFICATION_EVENTS = ['fired', 'repeat', 'resolved', 'test'] as const;
export type AlertNotificationEvent = (typeof ALERT_NOTIFICATION_EVENTS)[number];

/** A rule's state as shown: its own `state` column, unless silenced or disabled. */
export const ALERT_RULE_STATES = ['ok', 'firing', 'silenced', 'disabled'] as const;
export type AlertRuleState = (typeof ALERT_RULE_STATES)[number];

/** What an AlertNotification's `content` holds: fixed when decided, so every retry says the same. */
export interface AlertNotificationContent {
  event: AlertNotificationEvent;
  ruleId: string | null;
  ruleName: string;
  ruleKind: AlertRuleKind | null;
  severity: AlertSeverityName;
  subject: string;
  /** One line: what happened, with the value against its threshold. */
  title: string;
  message: string;
  /** The facts as `label: value` pairs, in order (value, threshold, window, counts, ids). */
  facts: Array<{ label: string; value: string }>;
  startedAt: string | null;
  resolvedAt: string | null;
  /** A link to the firing in the dashboard (JOBDECK_DASHBOARD_URL), or null when none is configured. */
  url: string | null;
}
