// The MailSender on Amazon SES (API v2): the one module that imports the SES client, so only the
// mailer's bundle carries it. SES's throttling answers become MailThrottledError, which the mailer
// retries with back-off; anything else fails the record.
import { SESv2Client, SESv2ServiceException, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { RenderedMail } from '../mail/templates';
import { type MailSender, MailThrottledError } from './create-mailer';

/** SES v2 error names that mean "slow down", not "this mail is wrong". */
const THROTTLED = new Set(['TooManyRequestsException', 'ThrottlingException', 'LimitExceededException']);

export interface SesSenderOptions {
  /** The verified identity mail is sent from (the role may send from it and nothing else). */
  readonly from: string;
  /** Made once per cold start by the composition root; tests pass one with a stubbed middleware stack. */
  readonly client: SESv2Client;
}

export const createSesClient = (): SESv2Client =>
  // The mailer retries throttling itself, with its own back-off: the SDK tries once more only.
  new SESv2Client({ maxAttempts: 2 });

export const createSesSender = ({ from, client }: SesSenderOptions): MailSender => ({
  async send(mail: RenderedMail): Promise<void> {
    try {
      await client.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: [mail.to] },
          Content: {
            Simple: {
              Subject: { Data: mail.subject, Charset: 'UTF-8' },
              Body: {
                Text: { Data: mail.text, Charset: 'UTF-8' },
                Html: { Data: mail.html, Charset: 'UTF-8' },
              },
            },
          },
        }),
      );
    } catch (error) {
      if (error instanceof SESv2ServiceException && THROTTLED.has(error.name)) {
        throw new MailThrottledError(error.name);
      }
      throw error;
    }
  },
});
