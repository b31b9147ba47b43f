// The baseline of the warm-overhead and throughput metrics: the least an HTTP service can do to
// answer "GET this user", in the same process as the local gateway and with the same DynamoDB
// client the router uses — one raw, strongly consistent GetItem per request and the item as JSON.
// No routing, no authorizer, no checks. Measured through HTTP by the same load generator as the
// gateway, so the ratio is what the gateway, authorizer and router add, and nothing else.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';

export interface RawServer {
  readonly url: string;
  close(): Promise<void>;
}

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
