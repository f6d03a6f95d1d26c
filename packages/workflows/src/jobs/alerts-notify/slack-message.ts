import type { AlertNotificationContent } from '../../runtime/alert-vocabulary';
import { factsOf, headline, linkOf, oneLine, timesLine } from './render';

/**
 * A Slack message as incoming webhooks take it: `text` (the notification's fallback, and what
 * screen readers and notifications show) and `blocks`, within Slack's limits (a header holds 150
 * characters, a section 3000, a section at most 10 fields of 2000).
 */

/** Slack's mrkdwn reads `&`, `<` and `>` as markup: user data would otherwise inject links or mentions. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export interface SlackMessage {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

export function slackMessage(content: AlertNotificationContent): SlackMessage {
  const title = oneLine(content.title ?? '', 500);
  const facts = factsOf(content);
  const url = linkOf(content);
  const times = timesLine(content);
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: cut(`${headline(content)}: ${title}`, 150), emoji: true } },
  ];
  if (content.message)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(slackEscape(content.message), 3000) } });
  if (facts.length)
    blocks.push({
      type: 'section',
      fields: facts.slice(0, 10).map((fact) => ({
        type: 'mrkdwn',
        text: cut(`*${slackEscape(oneLine(fact.label, 100))}*\n${slackEscape(fact.value)}`, 2000),
      })),
    });
  const context = [times, `Rule: ${content.ruleName}`].filter(Boolean).join(' · ');
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: cut(slackEscape(context), 3000) }] });
  if (url)
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Jobdeck' }, url: cut(url, 3000) }],
    });
  const fallback = `[Jobdeck] ${headline(content)}: ${title}${url ? ` ${url}` : ''}`;
  return { text: cut(slackEscape(fallback), 3000), blocks };
}
