import { describe, expect, it } from 'vitest';
import { ALERT_CHANNEL_CONFIGS, ALERT_CONDITIONS } from '@jobdeck/workflows/alerts';
import { ALERT_RULE_KINDS } from '@jobdeck/workflows/vocabulary';
import { configOf, describeConfig, draftOf, EMPTY_DRAFT, parseHeaders } from '../../src/pages/alerts/channel-config';
import { CONDITION_FIELDS, conditionDraft, conditionOf } from '../../src/pages/alerts/condition-fields';
import { factsOf } from '../../src/components/alerts/alert-types';

describe("the rule form's conditions", () => {
  it('has a field for every key of every kind, and nothing the API would refuse as unknown', () => {
    for (const kind of ALERT_RULE_KINDS) {
      const keys = Object.keys((ALERT_CONDITIONS[kind] as unknown as { shape?: object }).shape ?? {});
      // backlog's schema is refined (no .shape): its keys are checked by parsing below.
      if (keys.length) expect(CONDITION_FIELDS[kind].map((field) => field.key).sort()).toEqual(keys.sort());
    }
  });

  it('starts each kind with a condition the API takes once its required fields are filled', () => {
    const filled: Record<string, Record<string, string>> = {
      backlog: { queue: 'reports', maxBacklog: '100' },
      no_workers: { queue: 'reports' },
      every_failure: { type: 'webhook.deliver' },
      failure_rate: {},
      failure_count: {},
      stuck: {},
      schedule: {},
      dependency: {},
    };
    for (const kind of ALERT_RULE_KINDS) {
      const draft = { ...conditionDraft(kind), ...filled[kind] };
      const parsed = ALERT_CONDITIONS[kind].safeParse(conditionOf(kind, draft));
      expect(parsed.success, `${kind}: ${parsed.error?.message}`).toBe(true);
    }
  });

  it('sends numbers as numbers, leaves empty optional fields out, and reads a stored condition back', () => {
    const condition = conditionOf('failure_count', {
      type: ' webhook.deliver ',
      queue: '',
      windowMinutes: '30',
      threshold: '2',
    });
    expect(condition).toEqual({ type: 'webhook.deliver', windowMinutes: 30, threshold: 2 });
    expect(conditionDraft('failure_count', condition)).toEqual({
      type: 'webhook.deliver',
      queue: '',
      windowMinutes: '30',
      threshold: '2',
    });
    // An empty required number goes as it is, for the API to name the field.
    expect(ALERT_CONDITIONS.failure_count.safeParse(conditionOf('failure_count', { threshold: '' })).success).toBe(
      false,
    );
  });
});

describe("the channel form's settings", () => {
  it('makes a config the API takes for each kind', () => {
    const webhook = configOf(
      'webhook',
      { ...EMPTY_DRAFT, url: 'https://hooks.example.com/x', headers: 'Authorization: Bearer abc\nX-Team: ops' },
      false,
    );
    expect(webhook).toEqual({
      url: 'https://hooks.example.com/x',
      headers: { Authorization: 'Bearer abc', 'X-Team': 'ops' },
    });
    expect(ALERT_CHANNEL_CONFIGS.webhook.safeParse(webhook).success).toBe(true);
    const email = configOf('email', { ...EMPTY_DRAFT, to: 'a@example.com, b@example.com\nc@example.com' }, false);
    expect(email).toEqual({ to: ['a@example.com', 'b@example.com', 'c@example.com'] });
    expect(ALERT_CHANNEL_CONFIGS.email.safeParse(email).success).toBe(true);
    expect(configOf('dashboard', EMPTY_DRAFT, false)).toEqual({});
  });

  it('leaves a stored secret out of an update when its box is empty, and never prefills one', () => {
    expect(configOf('slack', EMPTY_DRAFT, true)).toEqual({});
    expect(configOf('slack', { ...EMPTY_DRAFT, webhookUrl: 'https://hooks.slack.com/services/T/B/new' }, true)).toEqual(
      { webhookUrl: 'https://hooks.slack.com/services/T/B/new' },
    );
    expect(configOf('webhook', { ...EMPTY_DRAFT, url: 'https://x.example.com' }, true)).toEqual({
      url: 'https://x.example.com',
    });
    const masked = { webhookUrl: 'https://hooks.slack.com/…/••••' };
    expect(draftOf(masked).webhookUrl).toBe('');
    expect(draftOf({ url: 'https://x.example.com', headers: { Authorization: '••••' } }).headers).toBe('');
  });

  it('describes a masked config as hidden, and refuses a header line without a colon', () => {
    expect(describeConfig('slack', { webhookUrl: 'https://hooks.slack.com/…/••••' })).toEqual([
      { label: 'webhookUrl', value: 'https://hooks.slack.com/…/•••• (set, hidden)' },
    ]);
    expect(describeConfig('webhook', { url: 'https://x.example.com', headers: { Authorization: '••••' } })).toEqual([
      { label: 'url', value: 'https://x.example.com' },
      { label: 'headers', value: 'Authorization: •••• (values hidden)' },
    ]);
    expect(parseHeaders('no colon here')).toBeNull();
  });
});

describe("a firing's facts", () => {
  it('reads the stored list, and an object too', () => {
    expect(factsOf([{ label: 'Failed', value: '3' }])).toEqual([{ label: 'Failed', value: '3' }]);
    expect(factsOf({ failed: 3, window: null })).toEqual([
      { label: 'failed', value: '3' },
      { label: 'window', value: '—' },
    ]);
    expect(factsOf(null)).toEqual([]);
  });
});
