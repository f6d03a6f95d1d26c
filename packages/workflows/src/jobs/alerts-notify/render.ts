import type { AlertNotificationContent } from '../../runtime/alert-vocabulary';

// What every channel says of a notification, in the same words: Slack, email (the webhook sends the content as is).

const EVENT_LABELS: Record<string, string> = {
  fired: 'Firing',
  repeat: 'Still firing',
  resolved: 'Resolved',
  test: 'Test',
};

/** One line, whatever the user data holds: line breaks and control characters become spaces. */
export function oneLine(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  const flat = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `HIGH · Firing`, `LOW · Test`. */
export function headline(content: AlertNotificationContent): string {
  return `${String(content.severity ?? 'medium').toUpperCase()} · ${EVENT_LABELS[content.event] ?? content.event}`;
}

/** `Started 2026-11-30 00:12 UTC · Resolved …`, or '' when neither is known. */
export function timesLine(content: AlertNotificationContent): string {
  const when = (iso: string | null) =>
    iso && !Number.isNaN(Date.parse(iso)) ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : null;
  const started = when(content.startedAt);
  const resolved = when(content.resolvedAt);
  return [started && `Started ${started}`, resolved && `Resolved ${resolved}`].filter(Boolean).join(' · ');
}

export function factsOf(content: AlertNotificationContent): Array<{ label: string; value: string }> {
  return Array.isArray(content.facts)
    ? content.facts.map((fact) => ({ label: String(fact.label), value: String(fact.value) }))
    : [];
}

/** The link to the firing, only when it is an http(s) URL (it is built from JOBDECK_DASHBOARD_URL). */
export function linkOf(content: AlertNotificationContent): string | null {
  const url = content.url;
  return typeof url === 'string' && /^https?:\/\//i.test(url) && URL.canParse(url) ? url : null;
}
