import type {
  AlertNotificationContent,
  AlertNotificationEvent,
  AlertRuleKind,
  AlertSeverityName,
} from '../../runtime/alert-vocabulary';

/**
 * What a notification says, fixed when it is decided (stored in AlertNotification.content) so that
 * every retry of its delivery says the same: a one-line title, the evaluator's message, its facts and
 * a link to the firing in the dashboard.
 */

export interface ContentRule {
  id: string;
  name: string;
  kind: AlertRuleKind;
  severity: AlertSeverityName;
}

export interface ContentFiring {
  id: string;
  subject: string;
  message: string;
  facts: Array<{ label: string; value: string }>;
  startedAt: Date;
  resolvedAt: Date | null;
}

const WORDS: Record<Exclude<AlertNotificationEvent, 'test'>, string> = {
  fired: 'Firing',
  repeat: 'Still firing',
  resolved: 'Resolved',
};

/** The link to a firing's page, or null when JOBDECK_DASHBOARD_URL is not set. */
export function firingUrl(dashboardUrl: string | null, firingId: string): string | null {
  return dashboardUrl ? `${dashboardUrl.replace(/\/+$/, '')}/alerts/firings/${firingId}` : null;
}

/** "12 min", "3 h 5 min", "2 d 4 h": how long a firing has lasted, for titles and facts. */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  return `${Math.floor(hours / 24)} d${hours % 24 ? ` ${hours % 24} h` : ''}`;
}

export function firingContent({
  event,
  rule,
  firing,
  now,
  dashboardUrl,
}: {
  event: Exclude<AlertNotificationEvent, 'test'>;
  rule: ContentRule;
  firing: ContentFiring;
  now: Date;
  dashboardUrl: string | null;
}): AlertNotificationContent {
  const about = firing.subject ? ` (${firing.subject})` : '';
  const lasted = duration((firing.resolvedAt ?? now).getTime() - firing.startedAt.getTime());
  const when = event === 'fired' ? '' : event === 'repeat' ? `, for ${lasted}` : ` after ${lasted}`;
  return {
    event,
    ruleId: rule.id,
    ruleName: rule.name,
    ruleKind: rule.kind,
    severity: rule.severity,
    subject: firing.subject,
    title: `[${rule.severity}] ${WORDS[event]}: ${rule.name}${about}${when}`,
    message: event === 'resolved' ? `Resolved. Last seen: ${firing.message}` : firing.message,
    facts: firing.facts,
    startedAt: firing.startedAt.toISOString(),
    resolvedAt: firing.resolvedAt?.toISOString() ?? null,
    url: firingUrl(dashboardUrl, firing.id),
  };
}

/** "Send test" on a channel: who sent it, to which channel, and where alerts are read; nobody mistakes it for an alert. */
export function testContent({
  channel,
  actor,
  now,
  dashboardUrl,
}: {
  channel: { name: string; kind: string };
  actor: string;
  now: Date;
  dashboardUrl: string | null;
}): AlertNotificationContent {
  return {
    event: 'test',
    ruleId: null,
    ruleName: 'Channel test',
    ruleKind: null,
    severity: 'low',
    subject: '',
    title: `Test notification to ${channel.name}`,
    message: `${actor} sent this test from Jobdeck to the ${channel.kind} channel "${channel.name}". If you read it, the channel works; alerts will arrive here the same way.`,
    facts: [
      { label: 'Channel', value: channel.name },
      { label: 'Kind', value: channel.kind },
      { label: 'Sent by', value: actor },
    ],
    startedAt: now.toISOString(),
    resolvedAt: null,
    url: dashboardUrl ? `${dashboardUrl.replace(/\/+$/, '')}/alerts` : null,
  };
}
