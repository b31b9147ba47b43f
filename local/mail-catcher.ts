// The local mail catcher: an SMTP server in this process (smtp-server + mailparser) that keeps
// every mail in memory, for the inbox page at /_local/mail and GET /_local/inbox?to= on the local
// gateway. Chosen over MailDev: 31 packages / 14 MB against 266 / 114 MB, and nothing that
// declares Node 22, on these Node 20 machines.
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly sent_at: string;
  /** The token of the mail's link, when it has one: a convenience for scripts (the README walkthrough). */
  readonly token?: string;
}

const LINK_TOKEN = /[?&]token=([\w-]+)/;

export interface MailCatcher {
  readonly port: number;
  /** Newest first; only mail to `to` (lower-cased) when given. */
  inbox(to?: string): CaughtMail[];
  stop(): Promise<void>;
}

/** What the local pages read the caught mail from: this catcher's memory, or a store replicas share. */
export interface Mailbox {
  /** Newest first; only mail to `to` (lower-cased) when given. */
  list(to?: string): Promise<readonly CaughtMail[]>;
}

export const mailboxOf = (catcher: MailCatcher): Mailbox => ({ list: async (to) => catcher.inbox(to) });

export interface MailCatcherOptions {
  /** Also keeps each mail elsewhere (replicas' shared inbox) before the SMTP answer says it is taken. */
  readonly onCaught?: (mail: CaughtMail) => Promise<void>;
}

export const startMailCatcher = async (options: MailCatcherOptions = {}): Promise<MailCatcher> => {
  const mails: CaughtMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (parsed) => {
          const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase());
          for (const to of recipients) {
            const text = parsed.text ?? '';
            const token = LINK_TOKEN.exec(text)?.[1];
            const mail: CaughtMail = {
              to,
              subject: parsed.subject ?? '',
              text,
              sent_at: new Date().toISOString(),
              ...(token && { token }),
            };
            await options.onCaught?.(mail);
            mails.push(mail);
          }
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  return {
    port,
    inbox: (to) => mails.filter((mail) => to === undefined || mail.to === to.trim().toLowerCase()).reverse(),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
