// The baselines of the warm-overhead, throughput and refresh metrics. Warm overhead and throughput: the least an HTTP service can do to
// answer "GET this user", in the same process as the local gateway and with the same DynamoDB
// client the router uses — one raw, strongly consistent GetItem per request and the item as JSON.
// No routing, no authorizer, no checks. Measured through HTTP by the same load generator as the
// gateway, so the ratio is what the gateway, authorizer and router add, and nothing else.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';

export interface RawServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves on a free loopback port, keep-alive as the gateway's; close() drops every connection. */
const listen = async (server: Server): Promise<RawServer> => {
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

export const startRawGetItemServer = async (
  client: DynamoDBClient,
  tableName: string,
  id: string,
): Promise<RawServer> => {
  const command = () =>
    new GetItemCommand({ TableName: tableName, Key: { id: { S: id } }, ConsistentRead: true });
  const server: Server = createServer({ keepAlive: true }, (_req, res) => {
    client.send(command()).then(
      ({ Item }) => {
        const body = JSON.stringify(Item ?? null);
        res.writeHead(Item ? 200 : 404, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
      },
      () => {
        res.writeHead(500).end();
      },
    );
  });
  return listen(server);
};

/** One raw GetItem, timed in-process with no HTTP at all: reported beside the metric, for scale. */
export const timeRawGetItem = async (
  client: DynamoDBClient,
  tableName: string,
  id: string,
  count: number,
): Promise<number[]> => {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await client.send(
      new GetItemCommand({ TableName: tableName, Key: { id: { S: id } }, ConsistentRead: true }),
    );
    times.push(performance.now() - started);
  }
  return times;
};

/**
 * The baseline of the refresh metric: the least a service can do for "refresh this session" with
 * the same data: read the session, then its user (both strongly consistent), then rotate the
 * session's refresh hash with one conditional write, and answer. Raw client, no checks, no
 * tokens signed: the ratio is what the gateway, router, rate limit and token issue add.
 */
export const startRawRefreshServer = async (
  client: DynamoDBClient,
  tableName: string,
  sessionId: string,
): Promise<RawServer> => {
  const key = { id: { S: `session#${sessionId}` } };
  const server: Server = createServer({ keepAlive: true }, (_req, res) => {
    const answer = async () => {
      const { Item: session } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
      );
      const userId = session?.session_user_id?.S;
      const from = session?.refresh_hash?.S;
      if (!userId || !from) throw new Error('the raw refresh server has no session');
      const { Item: user } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: { id: { S: userId } }, ConsistentRead: true }),
      );
      const at = new Date().toISOString();
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression:
            'SET refresh_hash = :to, rotated_at = :at, last_used_at = :at ADD generation :one',
          ConditionExpression: 'refresh_hash = :from',
          ExpressionAttributeValues: {
            ':from': { S: from },
            ':to': { S: randomBytes(32).toString('base64url') },
            ':at': { S: at },
            ':one': { N: '1' },
          },
        }),
      );
      return JSON.stringify({ session: session.id, user: user?.id ?? null, at });
    };
    answer().then(
      (body) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      },
      () => {
        res.writeHead(500).end();
      },
    );
  });
  return listen(server);
};
