import type { AlertRuleState, AlertSeverityName } from '@jobdeck/workflows/vocabulary';
import { StatusBadge } from '../StateBadge';

const STATE_TONES: Record<AlertRuleState, 'ok' | 'warn' | 'bad' | 'idle' | 'info'> = {
  ok: 'ok',
  firing: 'bad',
  silenced: 'warn',
  disabled: 'idle',
};

/** A rule's effective state: ok, firing, silenced (until a time) or disabled. */
export function RuleStateBadge({ state, title }: { state: string; title?: string }) {
  const tone = STATE_TONES[state as AlertRuleState] ?? 'idle';
  return (
    <StatusBadge tone={tone} testId="rule-state" title={title}>
      {state}
    </StatusBadge>
  );
}

const SEVERITY_TONES: Record<AlertSeverityName, 'ok' | 'warn' | 'bad' | 'idle' | 'info'> = {
  low: 'idle',
  medium: 'info',
  high: 'warn',
  critical: 'bad',
};

export function SeverityBadge({ severity }: { severity: string }) {
  return (
    <StatusBadge tone={SEVERITY_TONES[severity as AlertSeverityName] ?? 'idle'} testId="alert-severity">
      {severity}
    </StatusBadge>
  );
}

/** Open while not resolved. */
export function FiringStateBadge({ resolvedAt }: { resolvedAt: string | null }) {
  return (
    <StatusBadge tone={resolvedAt ? 'ok' : 'bad'} testId="firing-state">
      {resolvedAt ? 'resolved' : 'open'}
    </StatusBadge>
  );
}
