import type { NotificationTarget } from './activities';
import { factsOf, headline, linkOf, oneLine, timesLine } from './render';

/**
 * The subject and bodies of an alert email. The subject is one line whatever the rule's name or the
 * facts hold (a line break in a header would start a header of the sender's choosing); the HTML body
 * escapes every value.
 */

export function htmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function emailSubject(target: NotificationTarget): string {
  const { content } = target;
  const event = content.event === 'fired' ? '' : ` (${content.event})`;
  return oneLine(`[Jobdeck] ${content.severity}${event} ${content.title ?? ''}`, 250);
}

export function emailMessage(target: NotificationTarget): { subject: string; text: string; html: string } {
  const { content, channel } = target;
  const facts = factsOf(content);
  const url = linkOf(content);
  const times = timesLine(content);
  const footer = `Sent by Jobdeck to the channel "${oneLine(channel.name)}" (notification ${target.notificationId}).`;
  const text = [
    `${headline(content)}: ${oneLine(content.title ?? '', 500)}`,
    '',
    content.message ?? '',
    '',
    ...facts.map((fact) => `${oneLine(fact.label, 100)}: ${fact.value}`),
    ...(times ? ['', times] : []),
    ...(url ? ['', `Open in Jobdeck: ${url}`] : []),
    '',
    '-- ',
    footer,
  ].join('\n');
  const rows = facts
    .map(
      (fact) =>
        `<tr><th align="left" style="padding:2px 12px 2px 0">${htmlEscape(fact.label)}</th><td>${htmlEscape(fact.value)}</td></tr>`,
    )
    .join('');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<p style="color:#555;margin:0">${htmlEscape(headline(content))}</p>`,
    `<h2 style="margin:4px 0 12px">${htmlEscape(oneLine(content.title ?? '', 500))}</h2>`,
    `<p style="white-space:pre-wrap">${htmlEscape(content.message ?? '')}</p>`,
    rows ? `<table>${rows}</table>` : '',
    times ? `<p style="color:#555">${htmlEscape(times)}</p>` : '',
    url ? `<p><a href="${htmlEscape(url)}">Open in Jobdeck</a></p>` : '',
    `<p style="color:#888;font-size:small">${htmlEscape(footer)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: emailSubject(target), text, html };
}
