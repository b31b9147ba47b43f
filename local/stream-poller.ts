// Feeds the mailer from DynamoDB Local's stream, as the event source mapping does on AWS: the
// records of each GetRecords call become one DynamoDBStreamEvent for the same handler. A batch
// item failure is retried from that record on the next turn, a few times, then skipped with a
// warning (the local stand-in for the dead-letter queue).

import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { MailerHandler } from '../lambda/mailer/create-mailer';
import type { Logger } from '../lambda/shared/logger';

export interface StreamPoller {
  stop(): Promise<void>;
}

// Each stack polls all the time, and a test run has several stacks on one DynamoDB Local: read
// again soon after records came, slower when idle, and look for new shards once a second.
const BUSY_POLL_MS = 50;
const IDLE_POLL_MS = 200;
const DISCOVER_EVERY_MS = 1_000;
const MAX_RETRIES = 3;

/** The iterator (or the sequence number it starts from) is behind the shard's trim horizon, or expired. */
const isLostIterator = (error: unknown): boolean => {
  const { name, message } = error as Error;
  return (
    name === 'TrimmedDataAccessException' ||
    name === 'ExpiredIteratorException' ||
    /oldest stream record|trim horizon|expired/i.test(message ?? '')
  );
};

export const startStreamPoller = async (options: {
  readonly client: DynamoDBClient;
  readonly endpoint: string;
  readonly tableName: string;
  readonly handler: MailerHandler;
  readonly logger: Logger;
}): Promise<StreamPoller> => {
  const { Table } = await options.client.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${options.tableName} has no stream`);
  const streams = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  // Shard id → iterator. Shards open at start are read from LATEST (a restart resends nothing);
  // shards that appear later are read from their start.
  const iterators = new Map<string, string | undefined>();
  let first = true;
  const pending: _Record[] = [];
  let retries = 0;

  // Shard id → sequence number of the last record read from it: where a lost iterator resumes.
  const lastRead = new Map<string, string>();
  const resume = async (shardId: string): Promise<string | undefined> => {
    const after = lastRead.get(shardId);
    if (after) {
      try {
        const { ShardIterator } = await streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shardId,
            ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
            SequenceNumber: after,
          }),
        );
        return ShardIterator;
      } catch (error) {
        if (!isLostIterator(error)) throw error;
      }
    }
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    return ShardIterator;
  };

  const discover = async () => {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || iterators.has(shard.ShardId)) continue;
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: first ? 'LATEST' : 'TRIM_HORIZON',
        }),
      );
      iterators.set(shard.ShardId, ShardIterator);
    }
    first = false;
  };

  const deliver = async () => {
    if (pending.length === 0) return;
    const event: DynamoDBStreamEvent = { Records: pending.map((record) => record as DynamoDBRecord) };
    const { batchItemFailures } = await options.handler(event);
    const failed = batchItemFailures[0]?.itemIdentifier;
    const at = failed === undefined ? -1 : pending.findIndex((r) => r.dynamodb?.SequenceNumber === failed);
    if (at < 0) {
      pending.length = 0;
      retries = 0;
      return;
    }
    pending.splice(0, at);
    if (++retries > MAX_RETRIES) {
      options.logger.warn('Mailer gave up on a stream record after retries', { sequence: failed });
      pending.shift();
      retries = 0;
    }
  };

  let discoveredAt = 0;
  let busy = false;
  const tick = async () => {
    if (Date.now() - discoveredAt >= DISCOVER_EVERY_MS) {
      await discover();
      discoveredAt = Date.now();
    }
    busy = false;
    for (const [shardId, iterator] of iterators) {
      if (!iterator) continue;
      try {
        const { Records, NextShardIterator } = await streams.send(
          new GetRecordsCommand({ ShardIterator: iterator }),
        );
        iterators.set(shardId, NextShardIterator);
        const last = Records?.at(-1)?.dynamodb?.SequenceNumber;
        if (last) lastRead.set(shardId, last);
        pending.push(...(Records ?? []));
        if (Records?.length) busy = true;
      } catch (error) {
        // An iterator now behind the shard's trim horizon ("read past the oldest stream record"),
        // or expired: read on after the last record already read, else from the horizon, instead
        // of failing on every tick.
        if (!isLostIterator(error)) throw error;
        iterators.set(shardId, await resume(shardId));
      }
    }
    await deliver();
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const loop = () => {
    running = tick()
      .catch((error: unknown) => {
        if (!stopped) options.logger.warn('Stream poll failed', { error: (error as Error).message });
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, busy || pending.length > 0 ? BUSY_POLL_MS : IDLE_POLL_MS);
      });
  };
  await discover();
  discoveredAt = Date.now();
  loop();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      streams.destroy();
    },
  };
};
