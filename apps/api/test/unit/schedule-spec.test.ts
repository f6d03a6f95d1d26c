import { describe, expect, it } from 'vitest';
import { cronError, formatDuration, isTimeZone, parseDuration } from '@jobdeck/workflows';
import { cronInWords } from '../../src/schedules/cron';
import {
  checkSpec,
  overlapFromTemporal,
  overlapToTemporal,
  scheduleCreate,
  scheduleIdFor,
} from '../../src/schedules/spec';

const base = { name: 'Nightly sync', type: 'data.sync', input: { source: 'crm', records: 3 }, cron: ['0 3 * * *'] };

describe('cron expressions', () => {
  it.each([
    '* * * * *',
    '*/10 * * * *',
    '0 3 * * *',
    '15,45 9-17 * * MON-FRI',
    '0 0 1 JAN *',
    '0 12 * * 0',
    '@daily',
    '@hourly',
    '5-55/10 * * * *',
  ])('accepts %s', (expression) => {
    expect(cronError(expression)).toBeNull();
  });

  it.each([
    ['', /empty/],
    ['* * * *', /5 fields/],
    ['0 0 * * * *', /5 fields/],
    ['60 * * * *', /minute "60" is out of range 0-59/],
    ['0 24 * * *', /hour "24"/],
    ['0 0 32 * *', /day of month "32"/],
    ['0 0 * 13 *', /month "13"/],
    ['0 0 * * 8', /day of week "8"/],
    ['*/0 * * * *', /step "0"/],
    ['5-1 * * * *', /ends before it starts/],
    ['@every 5m', /interval/],
    ['@sometimes', /unknown macro/],
    ['CRON_TZ=Europe/Paris 0 3 * * *', /timezone field/],
    ['a b c d e', /minute "a"/],
  ])('refuses %j', (expression, message) => {
    expect(cronError(expression)).toMatch(message);
  });

  it('says what an expression means', () => {
    expect(cronInWords('*/10 * * * *')).toBe('Every 10 minutes');
    expect(cronInWords('0 3 * * *')).toBe('At 03:00');
    expect(cronInWords('@daily')).toBe('At 00:00');
  });
});

describe('time zones, durations, overlap, ids', () => {
  it('knows IANA time zones', () => {
    for (const zone of ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata']) expect(isTimeZone(zone)).toBe(true);
    for (const zone of ['Mars/Olympus', 'Europe/Pariss', '', 'x'.repeat(100)]) expect(isTimeZone(zone)).toBe(false);
  });

  it('parses and prints durations', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('6h')).toBe(21_600_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('10 minutes')).toBeNull();
    expect(formatDuration(600_000)).toBe('10m');
    expect(formatDuration(90_000)).toBe('90s');
  });

  it('maps overlap policies both ways', () => {
    expect(overlapToTemporal('buffer_one')).toBe('BUFFER_ONE');
    expect(overlapFromTemporal('TERMINATE_OTHER')).toBe('terminate_other');
    expect(overlapFromTemporal(undefined)).toBe('skip');
  });

  it('derives readable schedule ids', () => {
    expect(scheduleIdFor('Nightly CRM sync')).toBe('sched-nightly-crm-sync');
    expect(scheduleIdFor('  Rapport été / 2026 ')).toBe('sched-rapport-ete-2026');
    expect(scheduleIdFor('!!!')).toBe('sched-schedule');
  });
});

describe('scheduleCreate', () => {
  const paths = (value: unknown) =>
    scheduleCreate.safeParse(value).error?.issues.map((issue) => issue.path.join('.')) ?? [];

  it('fills defaults', () => {
    const parsed = scheduleCreate.parse(base);
    expect(parsed).toMatchObject({
      timezone: 'UTC',
      overlap: 'skip',
      jitterMs: 0,
      pauseOnFailure: false,
      paused: false,
      intervals: [],
    });
  });

  it('names every wrong field by path', () => {
    expect(paths({ ...base, cron: ['61 * * * *'] })).toEqual(['cron.0']);
    expect(paths({ ...base, timezone: 'Mars/Olympus' })).toEqual(['timezone']);
    expect(paths({ ...base, overlap: 'sometimes' })).toEqual(['overlap']);
    expect(paths({ ...base, startAt: '2030-01-02T00:00:00Z', endAt: '2030-01-01T00:00:00Z' })).toEqual(['endAt']);
    expect(paths({ ...base, input: { source: 'crm', records: -1 } })).toEqual(['input.records']);
    expect(paths({ ...base, type: 'nope' })).toEqual(['type']);
    expect(paths({ ...base, cron: [] })).toEqual(['cron']);
    expect(paths({ ...base, cron: [], intervals: [{ every: '10 minutes' }] })).toEqual(['intervals.0.every']);
    expect(paths({ ...base, intervals: [{ every: '10m', offset: '1h' }] })).toEqual(['intervals.0.offset']);
    expect(paths({ ...base, options: { priority: 'urgent' } })).toEqual(['options.priority']);
  });

  it('accepts a template instead of a type', () => {
    expect(
      scheduleCreate.safeParse({ name: 'x', templateId: '3b241101-e2bb-4255-8caf-4136c566a962', cron: ['@daily'] })
        .success,
    ).toBe(true);
  });
});

describe('checkSpec', () => {
  it('checks and describes what a form holds', () => {
    const result = checkSpec({
      cron: ['*/5 * * * *', '99 * * * *'],
      intervals: [{ every: '1h' }],
      timezone: 'Europe/Berlin',
    });
    expect(result.cron[0]).toMatchObject({ valid: true, description: 'Every 5 minutes' });
    expect(result.cron[1]).toMatchObject({ valid: false, description: null });
    expect(result.intervals[0]).toMatchObject({ valid: true, description: 'Every 1 hour' });
    expect(result.timezone.valid).toBe(true);
    expect(checkSpec({ cron: [], intervals: [], timezone: 'Nowhere/City' }).timezone.valid).toBe(false);
  });
});
