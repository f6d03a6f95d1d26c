import { useId, useState, type FormEvent } from 'react';
import {
  ALERT_RULE_KIND_LABELS,
  ALERT_RULE_KINDS,
  ALERT_SEVERITIES,
  type AlertRuleKind,
} from '@jobdeck/workflows/vocabulary';
import type { ChannelSummary, RuleSummary } from '../../components/alerts/alert-types';
import { errorsByField } from '../../components/FormErrors';
import { Options } from '../../components/Options';
import { FieldLabel, FormFields, TextField, useFieldErrors } from '../../components/TextField';
import type { RouterInputs } from '../../trpc';
import { conditionDraft, conditionOf, type ConditionDraft } from './condition-fields';
import { ConditionFields } from './ConditionFields';
import { useRuleMutations } from './use-alerts';
import { EnabledCheck, FormFooter } from './FormFooter';

type RuleInput = RouterInputs['alerts']['rules']['create'];
type Errors = Partial<Record<string, string[]>>;

/** A refusal's issue by field: `condition.threshold`, `name`; an update's are under `rule.`. */
const fieldOf = (issue: { path: string[] }) => {
  const path = issue.path[0] === 'rule' ? issue.path.slice(1) : issue.path;
  if (!path.length) return 'form';
  return path[0] === 'condition' ? path.slice(0, 2).join('.') : path[0]!;
};

/** A new rule, or a rule replaced as a whole (alerts.rules.create / update). Admins only. */
export function RuleForm({
  rule,
  channels,
  onDone,
}: {
  rule?: RuleSummary;
  channels: ChannelSummary[];
  onDone: () => void;
}) {
  const formId = useId();
  const { create, update } = useRuleMutations();
  const [name, setName] = useState(rule?.name ?? '');
  const [description, setDescription] = useState(rule?.description ?? '');
  const [kind, setKind] = useState<AlertRuleKind>((rule?.kind as AlertRuleKind) ?? 'failure_count');
  const [condition, setCondition] = useState<ConditionDraft>(() => conditionDraft(kind, rule?.condition));
  const [severity, setSeverity] = useState<string>(rule?.severity ?? 'medium');
  const [repeat, setRepeat] = useState(rule?.repeatMinutes ? String(rule.repeatMinutes) : '');
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const [channelIds, setChannelIds] = useState<string[]>(() => rule?.channels.map((channel) => channel.id) ?? []);
  const [errors, setErrors] = useState<Errors>({});
  const pending = create.isPending || update.isPending;

  const changeKind = (next: AlertRuleKind) => {
    setKind(next);
    setCondition(conditionDraft(next, next === rule?.kind ? rule.condition : undefined));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Errors = {};
    if (!name.trim()) found.name = ['a name is required, such as “report failures”'];
    const repeatMinutes = repeat.trim() ? Number(repeat) : null;
    if (repeatMinutes !== null && (!Number.isInteger(repeatMinutes) || repeatMinutes < 5))
      found.repeatMinutes = ['whole minutes, 5 or more (empty: tell only when it starts and ends)'];
    setErrors(found);
    if (Object.keys(found).length) return;
    const input = {
      name: name.trim(),
      description: description.trim() || null,
      kind,
      condition: conditionOf(kind, condition),
      severity,
      enabled,
      repeatMinutes,
      channelIds,
    } as RuleInput;
    const callbacks = { onSuccess: onDone, onError: (error: unknown) => setErrors(errorsByField(error, fieldOf)) };
    if (rule) update.mutate({ id: rule.id, rule: input }, callbacks);
    else create.mutate(input, callbacks);
  };

  return (
    <form className="stack-form" onSubmit={submit} noValidate data-testid="rule-form">
      <FormFields formId={formId} errors={errors}>
        <div className="form-grid">
          <TextField
            label="Name"
            field="name"
            type="text"
            value={name}
            maxLength={100}
            onChange={(event) => setName(event.target.value)}
            data-testid="rule-name"
            data-autofocus
          />
          <label className="field">
            <FieldLabel label="Severity" />
            <select value={severity} onChange={(event) => setSeverity(event.target.value)} data-testid="rule-severity">
              <Options options={ALERT_SEVERITIES} />
            </select>
          </label>
          <label className="field alerts-wide-field">
            <FieldLabel label="Watches" />
            <select
              value={kind}
              onChange={(event) => changeKind(event.target.value as AlertRuleKind)}
              data-testid="rule-kind"
            >
              <Options options={ALERT_RULE_KINDS.map((value) => ({ value, label: ALERT_RULE_KIND_LABELS[value] }))} />
            </select>
          </label>
          <ConditionFields kind={kind} draft={condition} onChange={setCondition} />
          <TextField
            label="Repeat every"
            hint="minutes; empty: only when it starts and ends"
            field="repeatMinutes"
            type="number"
            min={5}
            value={repeat}
            onChange={(event) => setRepeat(event.target.value)}
            data-testid="rule-repeat"
          />
          <TextField
            label="Description"
            hint="optional"
            field="description"
            type="text"
            value={description}
            maxLength={1000}
            onChange={(event) => setDescription(event.target.value)}
            data-testid="rule-description"
          />
          <ChannelChecks channels={channels} chosen={channelIds} onChange={setChannelIds} />
          <EnabledCheck enabled={enabled} onChange={setEnabled} testId="rule-enabled" />
        </div>
      </FormFields>
      <FormFooter
        formErrors={errors.form}
        pending={pending}
        onCancel={onDone}
        submitLabel={rule ? 'Save rule' : 'Create rule'}
        testIdPrefix="rule"
      />
    </form>
  );
}

function ChannelChecks({
  channels,
  chosen,
  onChange,
}: {
  channels: ChannelSummary[];
  chosen: string[];
  onChange: (ids: string[]) => void;
}) {
  const { list } = useFieldErrors('channelIds');
  return (
    <fieldset className="fieldset alerts-wide-field" data-testid="rule-channels">
      <legend>Channels</legend>
      {channels.length === 0 ? (
        <p className="muted small">No channels yet: add one under Channels (a rule without one is only shown here).</p>
      ) : (
        <div className="checkbox-row">
          {channels.map((channel) => (
            <label key={channel.id} className="checkbox">
              <input
                type="checkbox"
                checked={chosen.includes(channel.id)}
                onChange={(event) =>
                  onChange(event.target.checked ? [...chosen, channel.id] : chosen.filter((id) => id !== channel.id))
                }
                data-testid="rule-channel"
                data-channel-name={channel.name}
              />
              {channel.name}{' '}
              <span className="muted small">
                ({channel.kind}
                {channel.enabled ? '' : ', disabled'})
              </span>
            </label>
          ))}
        </div>
      )}
      {list}
    </fieldset>
  );
}
