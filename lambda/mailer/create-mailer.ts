// The mailer: a DynamoDB Streams handler. Each new outbox item in the batch is rendered and sent
// through the MailSender port, in stream order; a throttled send is retried with back-off. The
// first record that still fails is reported (batchItemFailures), so Lambda retries from there and,
// after its retries, hands the record to the dead-letter queue. Nothing is dropped silently.
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { OutboxMail } from '../mail/mail';
import type { Outbox } from '../mail/repository';
import { type MailSettings, type RenderedMail, renderMail } from '../mail/templates';
import type { Logger } from '../shared/logger';
import { outboxMailFromImage } from '../store/items/mail-items';

/** The mail service, as the mailer needs it. Throws MailThrottledError when asked to slow down. */
export interface MailSender {
  send(mail: RenderedMail): Promise<void>;
}

export class MailThrottledError extends Error {}

export interface MailerDependencies {
  /** Undefined when no sender is configured: every record fails, visibly, into the DLQ. */
  readonly sender: MailSender | undefined;
  readonly outbox: Outbox;
  readonly settings: MailSettings;
  readonly logger: Logger;
  readonly clock: () => Date;
  /** Sends per record when throttled, and the first back-off. */
  readonly maxAttempts?: number;
  readonly backoffMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export type MailerHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The outbox mail a stream record carries, or undefined for every other record. */
const mailOf = (record: DynamoDBRecord): { id: string; mail: OutboxMail } | undefined => {
  if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) return undefined;
  return outboxMailFromImage(record.dynamodb.NewImage);
};

export const createMailer = (deps: MailerDependencies): MailerHandler => {
  const maxAttempts = deps.maxAttempts ?? 4;
  const backoffMs = deps.backoffMs ?? 200;
  const sleep = deps.sleep ?? delay;
  let warnedOff = false;

  const sendWithRetry = async (sender: MailSender, mail: RenderedMail): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await sender.send(mail);
        return;
      } catch (error) {
        if (!(error instanceof MailThrottledError) || attempt >= maxAttempts) throw error;
        await sleep(backoffMs * 2 ** (attempt - 1));
      }
    }
  };

  return async (event) => {
    for (const record of event.Records) {
      const sequence = record.dynamodb?.SequenceNumber ?? '';
      try {
        const outboxed = mailOf(record);
        if (!outboxed) continue;
        if (!deps.sender) {
          if (!warnedOff)
            deps.logger.warn(
              'Mail is off: no sender address (mailFrom) is configured; outbox records go to the DLQ',
            );
          warnedOff = true;
          return { batchItemFailures: [{ itemIdentifier: sequence }] };
        }
        await sendWithRetry(deps.sender, renderMail(outboxed.mail, deps.settings));
        await deps.outbox.markSent(outboxed.id, deps.clock());
        deps.logger.info('Mail sent', { kind: outboxed.mail.kind, outboxId: outboxed.id });
      } catch (error) {
        // The error only (SES's and SMTP's name the problem, never the body): never the mail,
        // whose link holds a token.
        deps.logger.error('Mail not sent', {
          sequence,
          error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown',
        });
        // Lambda retries the batch from the first reported record; later ones were not attempted.
        return { batchItemFailures: [{ itemIdentifier: sequence }] };
      }
    }
    return { batchItemFailures: [] };
  };
};
