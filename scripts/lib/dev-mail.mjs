// `npm run dev`'s mail catcher: a real SMTP server on loopback (smtp-server) that keeps every mail
// Jobdeck sends (alert emails) as an .eml file under .data/mail and says who it was for, so email
// channels work on a fresh machine without a mail account. Not started when SMTP_URL is set.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export async function startDevMail({ port, dir, log }) {
  mkdirSync(dir, { recursive: true });
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback: nothing to encrypt against, and no certificate to make.
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (chunk) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const subject = /^subject:(.*)$/im.exec(raw.toString('utf8'))?.[1]?.trim() ?? '(no subject)';
        const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${++count}.eml`);
        writeFileSync(file, raw);
        const to = session.envelope.rcptTo.map((address) => address.address).join(', ');
        log(`mail to ${to}: ${subject} (${file})`);
        callback();
      });
    },
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return { url: `smtp://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}
