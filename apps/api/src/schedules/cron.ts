// Cron expressions and intervals said in words, for the dashboard. Checking them is the schedule
// grammar's (@jobdeck/workflows), which job definitions share. Pure; unit-tested.
import cronstrue from 'cronstrue';
import { CRON_MACROS, cronError, parseDuration } from '@jobdeck/workflows';

/** "At 03:00 AM", "Every 10 minutes": what a cron expression means, in words. */
export function cronInWords(expression: string): string {
  const text = expression.trim();
  if (cronError(text)) return text;
  try {
    return cronstrue.toString(CRON_MACROS[text.toLowerCase()] ?? text, { use24HourTimeFormat: true, verbose: false });
  } catch {
    return text;
  }
}

export function intervalInWords(every: string, offset?: string): string {
  const ms = parseDuration(every);
  if (ms === null) return every;
  return `Every ${every.replace(/(\d+)([smhd])/, (_, n: string, u: string) => `${n} ${{ s: 'second', m: 'minute', h: 'hour', d: 'day' }[u]}${n === '1' ? '' : 's'}`)}${offset && parseDuration(offset) ? ` (offset ${offset})` : ''}`;
}
