import type { AlertRuleKind } from '@jobdeck/workflows/vocabulary';
import { Options } from '../../components/Options';
import { FieldLabel, TextField, useFieldErrors } from '../../components/TextField';
import { trpc } from '../../trpc';
import { CONDITION_FIELDS, type ConditionDraft, type ConditionField } from './condition-fields';

/** The fields of one kind's condition; their errors come as `condition.<key>`. */
export function ConditionFields({
  kind,
  draft,
  onChange,
}: {
  kind: AlertRuleKind;
  draft: ConditionDraft;
  onChange: (draft: ConditionDraft) => void;
}) {
  const types = trpc.jobs.types.useQuery(undefined, { staleTime: 10 * 60_000 });
  const typeNames = types.data?.map((type) => type.type) ?? [];
  const queues = [...new Set(types.data?.map((type) => type.queue).filter(Boolean) ?? [])] as string[];
  const set = (key: string, value: string | string[]) => onChange({ ...draft, [key]: value });

  return (
    <>
      <datalist id="alert-job-types">
        {typeNames.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <datalist id="alert-queues">
        {queues.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      {CONDITION_FIELDS[kind].map((field) => (
        <ConditionInput key={`${kind}.${field.key}`} field={field} value={draft[field.key]} onChange={set} />
      ))}
    </>
  );
}

function ConditionInput({
  field,
  value,
  onChange,
}: {
  field: ConditionField;
  value: string | string[] | undefined;
  onChange: (key: string, value: string | string[]) => void;
}) {
  const name = `condition.${field.key}`;
  const { attributes, list } = useFieldErrors(name);
  const hint = [field.hint, field.optional && !field.hint?.includes('empty') ? 'optional' : null]
    .filter(Boolean)
    .join(', ');
  const testId = `rule-condition-${field.key}`;

  if (field.input === 'checks') {
    const chosen = Array.isArray(value) ? value : [];
    return (
      <fieldset className="fieldset" data-testid={testId}>
        <legend>{field.label}</legend>
        <div className="checkbox-row">
          {field.options!.map((option) => (
            <label key={option} className="checkbox">
              <input
                type="checkbox"
                checked={chosen.includes(option)}
                onChange={(event) =>
                  onChange(
                    field.key,
                    event.target.checked ? [...chosen, option] : chosen.filter((item) => item !== option),
                  )
                }
              />
              {option}
            </label>
          ))}
        </div>
        {list}
      </fieldset>
    );
  }
  if (field.input === 'select')
    return (
      <label className="field">
        <FieldLabel label={field.label} hint={hint || undefined} />
        <select
          {...attributes}
          value={typeof value === 'string' ? value : ''}
          onChange={(event) => onChange(field.key, event.target.value)}
          data-testid={testId}
        >
          <Options options={field.options!} />
        </select>
        {list}
      </label>
    );
  return (
    <TextField
      label={field.label}
      hint={hint || undefined}
      field={name}
      type={field.input === 'number' ? 'number' : 'text'}
      step={field.input === 'number' ? (field.integer ? 1 : 'any') : undefined}
      list={field.input === 'type' ? 'alert-job-types' : field.input === 'queue' ? 'alert-queues' : undefined}
      value={typeof value === 'string' ? value : ''}
      onChange={(event) => onChange(field.key, event.target.value)}
      data-testid={testId}
    />
  );
}
