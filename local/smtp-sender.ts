// The mailer's sender on this machine: SMTP (nodemailer) to the local mail catcher.
import { createTransport } from 'nodemailer';
import type { MailSender } from '../lambda/mailer/create-mailer';

export const createSmtpSender = (port: number, from: string): MailSender & { close(): void } => {
  const transport = createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
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
