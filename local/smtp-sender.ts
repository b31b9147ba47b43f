// The mailer's sender over SMTP (nodemailer): to the local mail catcher (a port on this machine)
// or, for `npm run serve`, to SMTP_URL.
import { createTransport } from 'nodemailer';
import type { MailSender } from '../lambda/mailer/create-mailer';

export const createSmtpSender = (target: number | string, from: string): MailSender & { close(): void } => {
  const transport =
    typeof target === 'number'
      ? createTransport({ host: '127.0.0.1', port: target, secure: false, ignoreTLS: true })
      : createTransport(target);
  return {
    async send(mail) {
      await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
    },
    close: () => transport.close(),
  };
};
