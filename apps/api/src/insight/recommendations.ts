// Rule-based advice from a window's failure groups and per-type figures, each with the evidence
// behind it. Pure: apps/api/test/insight-recommendations.test.ts holds one case per rule.

export interface GroupFacts {
  fingerprint: string;
  errorType: string;
  message: string;
  count: number;
  types: Array<{ name: string; count: number }>;
}

export interface TypeFacts {
  type: string;
  total: number;
  unsuccessful: number;
  completed: number;
  /** Completed jobs that needed more than one attempt, and their attempts. */
  completedRetried: number;
  completedRetriedAttempts: number;
}

export interface Recommendation {
  id: string;
  severity: 'info' | 'warning';
  title: string;
  advice: string;
  evidence: string;
  fingerprint?: string;
  type?: string;
}

/** The thresholds, written down once: README "Insight" quotes them. */
export const RULES = {
  timeouts: { minFailures: 3, share: 0.5 },
  clientErrors: { minFailures: 1 },
  lateRetries: { minCompleted: 10, retriedShare: 0.1, attempts: 3 },
  failureRate: { minJobs: 10, rate: 0.25 },
} as const;

const isTimeout = (group: GroupFacts) =>
  group.errorType === 'Timeout' || /timeout|timed out|deadline/i.test(`${group.errorType} ${group.message}`);
const isClientError = (group: GroupFacts) => group.errorType === 'HttpClientError' || group.message.includes('<4xx>');
const percent = (value: number) => `${Math.round(value * 100)} %`;
const quoted = (message: string) => `"${message.length > 120 ? `${message.slice(0, 117)}…` : message}"`;

export function recommend(groups: GroupFacts[], types: TypeFacts[]): Recommendation[] {
  const advice: Recommendation[] = [];
  for (const type of types) {
    const timeouts = groups
      .filter(isTimeout)
      .reduce((sum, group) => sum + (group.types.find((entry) => entry.name === type.type)?.count ?? 0), 0);
    if (timeouts >= RULES.timeouts.minFailures && timeouts >= type.unsuccessful * RULES.timeouts.share)
      advice.push({
        id: `timeouts:${type.type}`,
        severity: 'warning',
        title: `Timeouts dominate ${type.type}'s failures`,
        advice: 'Raise the job type’s timeout, or split the work into smaller jobs or steps that report progress.',
        evidence: `${timeouts} of ${type.unsuccessful} unsuccessful ${type.type} jobs in this window timed out.`,
        type: type.type,
      });
  }
  for (const group of groups.filter(isClientError))
    if (group.count >= RULES.clientErrors.minFailures)
      advice.push({
        id: `client-error:${group.fingerprint}`,
        severity: 'warning',
        title: 'The receiver refuses the request (4xx)',
        advice:
          'The URL or the payload is wrong: retrying will not help. Fix the target or the input, then retry the group.',
        evidence: `${group.count} job(s) failed with ${quoted(group.message)} (${group.types.map((entry) => entry.name).join(', ')}).`,
        fingerprint: group.fingerprint,
      });
  for (const type of types) {
    const { minCompleted, retriedShare, attempts } = RULES.lateRetries;
    if (type.completed < minCompleted || type.completedRetried < type.completed * retriedShare) continue;
    const average = type.completedRetriedAttempts / type.completedRetried;
    if (average < attempts) continue;
    advice.push({
      id: `late-retries:${type.type}`,
      severity: 'info',
      title: `Retries of ${type.type} succeed late`,
      advice:
        'The backoff is too short for what it waits on: lengthen the initial interval or the coefficient, so fewer attempts are spent.',
      evidence: `${type.completedRetried} of ${type.completed} completed ${type.type} jobs needed retries, ${average.toFixed(1)} attempts on average before succeeding.`,
      type: type.type,
    });
  }
  for (const type of types) {
    if (type.total < RULES.failureRate.minJobs) continue;
    const rate = type.unsuccessful / type.total;
    if (rate < RULES.failureRate.rate) continue;
    const biggest = groups
      .map((group) => ({ group, count: group.types.find((entry) => entry.name === type.type)?.count ?? 0 }))
      .sort((a, b) => b.count - a.count)[0];
    advice.push({
      id: `failure-rate:${type.type}`,
      severity: 'warning',
      title: `${type.type} fails often`,
      advice: 'Start with its biggest failure group: one cause usually accounts for most failures.',
      evidence: `${type.unsuccessful} of ${type.total} ${type.type} jobs (${percent(rate)}) ended unsuccessfully${biggest?.count ? `; the biggest group, ${quoted(biggest.group.message)}, holds ${biggest.count}` : ''}.`,
      type: type.type,
      fingerprint: biggest?.count ? biggest.group.fingerprint : undefined,
    });
  }
  return advice;
}
