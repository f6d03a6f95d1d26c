import { useId, useState, type FormEvent } from 'react';
import { ALERT_CHANNEL_KINDS, type AlertChannelKind } from '@jobdeck/workflows/vocabulary';
import type { ChannelSummary } from '../../components/alerts/alert-types';
import { errorsByField } from '../../components/FormErrors';
import { Options } from '../../components/Options';
import { FieldLabel, FormFields, TextField, useFieldErrors } from '../../components/TextField';
import type { RouterInputs } from '../../trpc';
import { configOf, draftOf, EMPTY_DRAFT, parseHeaders, type ConfigDraft } from './channel-config';
import { useChannelMutations } from './use-alerts';
import { EnabledCheck, FormFooter } from './FormFooter';

type ChannelInput = RouterInputs['alerts']['channels']['create'];
type Errors = Partial<Record<string, string[]>>;

/** `config.url`, `name`; an update's are under `channel.`. */
const fieldOf = (issue: { path: string[] }) => {
  const path = issue.path[0] === 'channel' ? issue.path.slice(1) : issue.path;
  if (!path.length) return 'form';
  return path[0] === 'config' ? path.slice(0, 2).join('.') : path[0]!;
};

const KIND_NOTES: Record<AlertChannelKind, string> = {
  webhook: 'A signed JSON POST to a URL (through the outbound-address policy).',
  slack: 'A message to a Slack incoming webhook; its URL is a credential and kept sealed.',
  email: 'A mail to each address, by the worker’s SMTP_URL.',
  dashboard: 'The bell in the header, for everyone signed in.',
};

/** A new channel, or a channel replaced (alerts.channels.create / update). Admins only. */
export function ChannelForm({ channel, onDone }: { channel?: ChannelSummary; onDone: () => void }) {
  const formId = useId();
  const { create, update } = useChannelMutations();
  const [name, setName] = useState(channel?.name ?? '');
  const [kind, setKind] = useState<AlertChannelKind>((channel?.kind as AlertChannelKind) ?? 'dashboard');
  const [enabled, setEnabled] = useState(channel?.enabled ?? true);
  const [draft, setDraft] = useState<ConfigDraft>(() => (channel ? draftOf(channel.config) : EMPTY_DRAFT));
  const [errors, setErrors] = useState<Errors>({});
  const pending = create.isPending || update.isPending;
  // A stored secret is kept unless replaced: only when editing a channel of the same kind.
  const stored = channel && channel.kind === kind ? (channel.config as Record<string, unknown>) : null;
  const set = (key: keyof ConfigDraft) => (event: { target: { value: string } }) =>
    setDraft((old) => ({ ...old, [key]: event.target.value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Errors = {};
    if (!name.trim()) found.name = ['a name is required, such as “on-call Slack”'];
    if (kind === 'webhook' && draft.headers.trim() && !parseHeaders(draft.headers))
      found['config.headers'] = ['one “Name: value” per line'];
    setErrors(found);
    if (Object.keys(found).length) return;
    const input = {
      name: name.trim(),
      kind,
      enabled,
      config: configOf(kind, draft, !!stored),
    } as ChannelInput;
    const callbacks = { onSuccess: onDone, onError: (error: unknown) => setErrors(errorsByField(error, fieldOf)) };
    if (channel) update.mutate({ id: channel.id, channel: input }, callbacks);
    else create.mutate(input, callbacks);
  };

  return (
    <form className="stack-form" onSubmit={submit} noValidate data-testid="channel-form">
      <FormFields formId={formId} errors={errors}>
        <div className="form-grid">
          <TextField
            label="Name"
            field="name"
            type="text"
            value={name}
            maxLength={100}
            onChange={(event) => setName(event.target.value)}
            data-testid="channel-name"
            data-autofocus
          />
          <label className="field">
            <FieldLabel label="Kind" />
            <select
              value={kind}
              onChange={(event) => setKind(event.target.value as AlertChannelKind)}
              data-testid="channel-kind"
            >
              <Options options={ALERT_CHANNEL_KINDS} />
            </select>
            <span className="field-note muted small">{KIND_NOTES[kind]}</span>
          </label>
          {kind === 'webhook' && (
            <>
              <TextField
                label="URL"
                field="config.url"
                type="url"
                value={draft.url}
                onChange={set('url')}
                data-testid="channel-url"
              />
              <TextField
                label="Signing secret name"
                hint="optional, from the worker's JOBDECK_WEBHOOK_SECRETS"
                field="config.secretName"
                type="text"
                value={draft.secretName}
                onChange={set('secretName')}
                data-testid="channel-secret-name"
              />
              <SecretBox
                label="Headers"
                field="config.headers"
                isSet={!!stored?.headers}
                multiline
                placeholder="Authorization: Bearer …"
                value={draft.headers}
                onChange={set('headers')}
              />
            </>
          )}
          {kind === 'slack' && (
            <SecretBox
              label="Incoming-webhook URL"
              field="config.webhookUrl"
              isSet={!!stored?.webhookUrl}
              placeholder="https://hooks.slack.com/services/…"
              value={draft.webhookUrl}
              onChange={set('webhookUrl')}
            />
          )}
          {kind === 'email' && (
            <TextField
              label="To"
              hint="addresses, separated by commas"
              field="config.to"
              type="text"
              value={draft.to}
              onChange={set('to')}
              data-testid="channel-to"
            />
          )}
          <EnabledCheck enabled={enabled} onChange={setEnabled} testId="channel-enabled" />
        </div>
      </FormFields>
      <FormFooter
        formErrors={errors.form}
        pending={pending}
        onCancel={onDone}
        submitLabel={channel ? 'Save channel' : 'Create channel'}
        testIdPrefix="channel"
      />
    </form>
  );
}

/** A secret field: never prefilled; when one is stored it says so, and the box replaces it (empty: keep). */
function SecretBox({
  label,
  field,
  isSet,
  multiline = false,
  placeholder,
  value,
  onChange,
}: {
  label: string;
  field: string;
  isSet: boolean;
  multiline?: boolean;
  placeholder?: string;
  value: string;
  onChange: (event: { target: { value: string } }) => void;
}) {
  const { attributes, list } = useFieldErrors(field);
  const testId = `channel-secret-${field.split('.').pop()}`;
  return (
    <label className="field alerts-wide-field">
      <FieldLabel
        label={isSet ? `${label}: set, hidden` : label}
        hint={isSet ? 'type to replace; empty keeps it' : 'secret'}
      />
      {multiline ? (
        <textarea
          {...attributes}
          rows={3}
          value={value}
          placeholder={placeholder}
          onChange={onChange}
          autoComplete="off"
          data-testid={testId}
        />
      ) : (
        <input
          {...attributes}
          type="password"
          value={value}
          placeholder={placeholder}
          onChange={onChange}
          autoComplete="new-password"
          data-testid={testId}
        />
      )}
      {list}
    </label>
  );
}
