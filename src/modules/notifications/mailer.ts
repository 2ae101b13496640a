import nodemailer, { type Transporter } from 'nodemailer';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../platform/logger.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(mail: Mail): Promise<{ messageId: string; file?: string }>;
  close(): void;
}

const FROM = 'Agora <no-reply@agora.local>';

/**
 * SMTP through nodemailer when SMTP_URL is set; otherwise the same message is rendered by
 * nodemailer into an .eml file under `<dataDir>/outbox-mail/` and logged, so a developer sees
 * exactly what would have been sent.
 */
export function createMailer(opts: {
  smtpUrl?: string;
  dataDir: string;
  timeoutMs: number;
  log: Logger;
}): Mailer {
  if (opts.smtpUrl) {
    const url = new URL(opts.smtpUrl);
    const transport: Transporter = nodemailer.createTransport({
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
      secure: url.protocol === 'smtps:',
      ...(url.username
        ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
        : {}),
      connectionTimeout: opts.timeoutMs,
      greetingTimeout: opts.timeoutMs,
      socketTimeout: opts.timeoutMs,
    });
    return {
      async send(mail) {
        const info = (await transport.sendMail({ from: FROM, ...mail })) as { messageId: string };
        return { messageId: info.messageId };
      },
      close: () => transport.close(),
    };
  }
  const dir = path.join(opts.dataDir, 'outbox-mail');
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  let folder: Promise<unknown> | undefined; // made once, on the first email
  return {
    async send(mail) {
      const info = (await transport.sendMail({ from: FROM, ...mail })) as {
        messageId: string;
        message: Buffer;
      };
      await (folder ??= mkdir(dir, { recursive: true }).catch((err: unknown) => {
        folder = undefined; // tried again with the next email
        throw err;
      }));
      const file = path.join(dir, `${Date.now()}-${info.messageId.replace(/[^\w.-]/g, '')}.eml`);
      await writeFile(file, info.message);
      opts.log.info({ to: mail.to, subject: mail.subject, file }, 'email written to the local outbox folder');
      return { messageId: info.messageId, file };
    },
    close: () => transport.close(),
  };
}
