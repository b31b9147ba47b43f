// The mailer Lambda's handler on realistic stream records (the outbox item module's own layout),
// with SES stubbed only where the SDK meets the network: a request handler that answers as SES
// would, so the real serializer, error parsing and SESv2ServiceException mapping run. The local
// sender is held to a real SMTP send into the local catcher.
import { Readable } from 'node:stream';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { OutboxMail } from '../../lambda/mail/mail';
import type { Outbox } from '../../lambda/mail/repository';
import type { RenderedMail } from '../../lambda/mail/templates';
import { createMailer, type MailSender } from '../../lambda/mailer/create-mailer';
import { createSesSender } from '../../lambda/mailer/ses-sender';
import { createLogger } from '../../lambda/shared/logger';
import { outboxItem } from '../../lambda/store/items/mail-items';
import { startMailCatcher } from '../../local/mail-catcher';
import { createSmtpSender } from '../../local/smtp-sender';

const SETTINGS = { productName: 'Acme Accounts', appUrl: 'https://app.example.com' };
const AT = new Date('2026-11-30T12:00:00Z');
const TOKEN = 'tok_0123456789abcdefghijklmnopqrstuvwxyzABCDE';

let sequence = 100;
const record = (
  item: Record<string, unknown>,
  eventName: DynamoDBRecord['eventName'] = 'INSERT',
): DynamoDBRecord => ({
  eventName,
  dynamodb: {
    SequenceNumber: String(sequence++),
    // The stream's AttributeValue type and the SDK's differ only in their TypeScript declarations.
    NewImage: marshall(item, { removeUndefinedValues: true }) as never,
  },
});
const outboxRecord = (id: string, mail: OutboxMail) =>
  record(outboxItem(id, mail, AT.toISOString(), Math.floor(AT.getTime() / 1000)));
const streamEvent = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

const verifyMail = (to: string): OutboxMail => ({ kind: 'verify-email', to, name: 'Ada', token: TOKEN });

/** Captures log lines as the logger writes them, to hold them to "no token in a log line". */
const capturingLogger = () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line: string) => lines.push(line) });
  return { logger, lines };
};

const recordingOutbox = () => {
  const sent: string[] = [];
  const outbox: Outbox = {
    markSent: async (id) => {
      sent.push(id);
    },
  };
  return { outbox, sent };
};

interface SesAnswer {
  readonly status: number;
  readonly errorType?: string;
}

/** An SES v2 client whose HTTP layer answers from a script: the SDK's edge, nothing above it. */
const scriptedSes = (answers: SesAnswer[]) => {
  const requests: { path: string; body: Record<string, unknown> }[] = [];
  const client = new SESv2Client({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { path: string; body?: string }) => {
        requests.push({ path: request.path, body: JSON.parse(request.body ?? '{}') });
        const answer = answers.shift() ?? { status: 200 };
        const body =
          answer.status === 200
            ? JSON.stringify({ MessageId: `msg-${requests.length}` })
            : JSON.stringify({ message: 'Maximum sending rate exceeded.' });
        return {
          response: {
            statusCode: answer.status,
            headers: {
              'content-type': 'application/json',
              ...(answer.errorType ? { 'x-amzn-errortype': answer.errorType } : {}),
            },
            body: Readable.from([Buffer.from(body)]),
          },
        };
      },
    } as never,
  });
  return { client, requests };
};

const noSleep = async () => {};

/** The SES sender as the stack configures it, on a scripted SES. */
const sesSender = (ses: ReturnType<typeof scriptedSes>) =>
  createSesSender({ from: 'no-reply@example.com', client: ses.client });

/** A mailer on the test's settings and clock; each test says what it sends through and records. */
const mailerWith = (options: Partial<Parameters<typeof createMailer>[0]>) =>
  createMailer({
    sender: undefined,
    outbox: recordingOutbox().outbox,
    settings: SETTINGS,
    logger: capturingLogger().logger,
    clock: () => AT,
    ...options,
  });

/** A mailer on a scripted SES, recording what it marks sent and what it logs. */
const sesMailer = (answers: SesAnswer[], options: Partial<Parameters<typeof createMailer>[0]>) => {
  const ses = scriptedSes(answers);
  const { outbox, sent } = recordingOutbox();
  const { logger, lines } = capturingLogger();
  const handler = mailerWith({ sender: sesSender(ses), outbox, logger, ...options });
  return { ses, handler, sent, lines };
};

describe('the mailer', () => {
  it('sends a verification mail through SES as the configured sender, with the link to the page, and marks it sent', async () => {
    const { ses, handler, sent, lines } = sesMailer([], {});

    const result = await handler(streamEvent(outboxRecord('m1', verifyMail('ada@example.com'))));

    expect(result.batchItemFailures).toEqual([]);
    expect(ses.requests).toHaveLength(1);
    const [request] = ses.requests;
    expect(request?.path).toBe('/v2/email/outbound-emails');
    expect(request?.body.FromEmailAddress).toBe('no-reply@example.com');
    expect(request?.body.Destination).toEqual({ ToAddresses: ['ada@example.com'] });
    const content = JSON.stringify(request?.body.Content);
    expect(content).toContain(`https://app.example.com/verify-email?token=${TOKEN}`);
    expect(content).toContain('Acme Accounts');
    expect(sent).toEqual(['outbox#m1']);
    // Logged that it went, never what it said.
    expect(lines.join('\n')).toContain('Mail sent');
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('retries an SES throttle with growing back-off and then sends', async () => {
    const ses = scriptedSes([
      { status: 429, errorType: 'TooManyRequestsException' },
      { status: 429, errorType: 'TooManyRequestsException' },
      { status: 200 },
    ]);
    const { outbox, sent } = recordingOutbox();
    const waits: number[] = [];
    const handler = mailerWith({
      sender: sesSender(ses),
      outbox,
      backoffMs: 100,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });

    const result = await handler(streamEvent(outboxRecord('m2', verifyMail('ada@example.com'))));

    expect(result.batchItemFailures).toEqual([]);
    expect(ses.requests).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
    expect(sent).toEqual(['outbox#m2']);
  });

  it('gives up on a throttle after its attempts and reports the record, so Lambda retries it and then dead-letters it', async () => {
    const { ses, handler, sent, lines } = sesMailer(
      Array(10).fill({ status: 429, errorType: 'TooManyRequestsException' }),
      {
        maxAttempts: 3,
        sleep: noSleep,
      },
    );
    const throttled = outboxRecord('m3', verifyMail('ada@example.com'));

    const result = await handler(streamEvent(throttled));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: throttled.dynamodb?.SequenceNumber }]);
    expect(ses.requests).toHaveLength(3);
    expect(sent).toEqual([]);
    expect(lines.join('\n')).toContain('Mail not sent');
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('does not retry a mail SES refuses for what it is (not a throttle): the record fails at once', async () => {
    const ses = scriptedSes([{ status: 400, errorType: 'MessageRejected' }]);
    const handler = mailerWith({
      sender: sesSender(ses),
      sleep: noSleep,
    });
    const rejected = outboxRecord('m4', verifyMail('ada@example.com'));

    expect((await handler(streamEvent(rejected))).batchItemFailures).toEqual([
      { itemIdentifier: rejected.dynamodb?.SequenceNumber },
    ]);
    expect(ses.requests).toHaveLength(1);
  });

  it('sends what comes before a poison record, reports the poison one, and leaves the rest for the retry', async () => {
    const sent: RenderedMail[] = [];
    const sender: MailSender = {
      send: async (mail) => {
        sent.push(mail);
      },
    };
    const handler = mailerWith({
      sender,
    });
    const first = outboxRecord('p1', verifyMail('first@example.com'));
    // An outbox item without its recipient: no retry will ever send it.
    const poison = record({
      id: 'outbox#p2',
      kind: 'verify-email',
      name: 'Nobody',
      created_at: AT.toISOString(),
    });
    const after = outboxRecord('p3', verifyMail('after@example.com'));

    const result = await handler(streamEvent(first, poison, after));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: poison.dynamodb?.SequenceNumber }]);
    expect(sent.map((mail) => mail.to)).toEqual(['first@example.com']);
  });

  it('ignores every record that is not a new outbox item (users, tokens, updates, removals)', async () => {
    const sent: RenderedMail[] = [];
    const handler = mailerWith({
      sender: { send: async (mail) => void sent.push(mail) },
    });
    const user = record({
      id: '6f1c1d4e-8a51-4f5e-9a8e-1b1f1e1a1b1c',
      email: 'ada@example.com',
      name: 'Ada',
    });
    // An audit event's empty details, as DynamoDB Local's stream carries an empty map: an image
    // that does not unmarshall, and is not the mailer's to read.
    const event: DynamoDBRecord = {
      eventName: 'INSERT',
      dynamodb: {
        SequenceNumber: String(sequence++),
        NewImage: { id: { S: 'event#1' }, details: {} } as never,
      },
    };
    const blanked = outboxRecord('x1', verifyMail('ada@example.com'));
    const modified = { ...blanked, eventName: 'MODIFY' as const };

    expect((await handler(streamEvent(user, event, modified))).batchItemFailures).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('without a sender (no mailFrom), says once per cold start that mail is off and fails the records into the DLQ', async () => {
    const { logger, lines } = capturingLogger();
    const handler = mailerWith({
      sender: undefined,
      logger,
    });
    const one = outboxRecord('o1', verifyMail('ada@example.com'));
    const two = outboxRecord('o2', verifyMail('bob@example.com'));

    expect((await handler(streamEvent(one))).batchItemFailures).toEqual([
      { itemIdentifier: one.dynamodb?.SequenceNumber },
    ]);
    expect((await handler(streamEvent(two))).batchItemFailures).toEqual([
      { itemIdentifier: two.dynamodb?.SequenceNumber },
    ]);
    expect(lines.filter((line) => line.includes('Mail is off'))).toHaveLength(1);
  });
});

describe('the local sender', () => {
  it('delivers over real SMTP to the local catcher, text and link intact', async () => {
    const catcher = await startMailCatcher();
    const smtp = createSmtpSender(catcher.port, 'User API <no-reply@localhost>');
    try {
      const handler = mailerWith({
        sender: smtp,
      });
      expect(
        (await handler(streamEvent(outboxRecord('s1', verifyMail('Ada@Example.com'))))).batchItemFailures,
      ).toEqual([]);
      const [mail] = catcher.inbox('ada@example.com');
      expect(mail?.to).toBe('ada@example.com');
      expect(mail?.subject).toContain('Acme Accounts');
      expect(mail?.text).toContain(`https://app.example.com/verify-email?token=${TOKEN}`);
      expect(mail?.token).toBe(TOKEN);
      expect(catcher.inbox('someone-else@example.com')).toEqual([]);
    } finally {
      smtp.close();
      await catcher.stop();
    }
  });
});
