// One sorted page over several partitions of an index: each partition is queried for at most
// limit + 1 items past the position (in parallel), the answers are merged in key order and cut
// at `limit`. A page costs O((limit + 1) x partitions) items read, whatever the table size.
// With a filter, a partition is read on until it yields limit + 1 matches or ends, so a rare
// filter value costs what it must read to find them (said so where it is used).

import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidPositionError } from '../shared/paging';
import type { Item } from './attributes';
import { orUnavailable } from './unavailable';

export interface ShardedQuery {
  readonly tableName: string;
  readonly indexName: string;
  readonly partitionKey: string;
  readonly partitions: readonly string[];
  readonly sortKey: string;
  readonly ascending: boolean;
  readonly limit: number;
  /** Only sort keys starting with this. */
  readonly prefix?: string | undefined;
  /** Only sort keys strictly after this one, in the query's order (the previous page's last). */
  readonly after?: string | undefined;
  /** Attribute equalities applied as a FilterExpression. */
  readonly filter?: Readonly<Record<string, string>>;
}

// DynamoDB orders strings by their UTF-8 bytes; so must the merge.
const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
// The largest code point: every key starting with `prefix` sorts below prefix + this.
const PREFIX_END = '\u{10FFFF}';

const keyCondition = (query: ShardedQuery) => {
  const values: Record<string, unknown> = {};
  let range = '';
  const { prefix, after, ascending } = query;
  if (prefix !== undefined && prefix !== '') {
    // begins_with cannot be combined with a bound: a prefix is a BETWEEN, cut at `after` below.
    let low = prefix;
    let high = prefix + PREFIX_END;
    if (after !== undefined && ascending && byBytes(after, low) > 0) low = after;
    if (after !== undefined && !ascending && byBytes(after, high) < 0) high = after;
    range = ' AND #sk BETWEEN :low AND :high';
    Object.assign(values, { ':low': low, ':high': high });
  } else if (after !== undefined) {
    range = ascending ? ' AND #sk > :after' : ' AND #sk < :after';
    values[':after'] = after;
  }
  return { expression: `#pk = :pk${range}`, values };
};

const queryPartition = async (
  client: DynamoDBDocumentClient,
  query: ShardedQuery,
  partition: string,
): Promise<Item[]> => {
  const { expression, values } = keyCondition(query);
  const filterEntries = Object.entries(query.filter ?? {});
  const names: Record<string, string> = { '#pk': query.partitionKey };
  if (expression.includes('#sk')) names['#sk'] = query.sortKey;
  const filterValues: Record<string, unknown> = {};
  const filterParts = filterEntries.map(([name, value], index) => {
    names[`#f${index}`] = name;
    filterValues[`:f${index}`] = value;
    return `#f${index} = :f${index}`;
  });
  const wanted = query.limit + 1;
  const found: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await orUnavailable(
      client.send(
        new QueryCommand({
          TableName: query.tableName,
          IndexName: query.indexName,
          KeyConditionExpression: expression,
          ...(filterParts.length > 0 ? { FilterExpression: filterParts.join(' AND ') } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':pk': partition, ...values, ...filterValues },
          ScanIndexForward: query.ascending,
          Limit: wanted - found.length,
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    found.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
    // BETWEEN is inclusive: the previous page's last item may come back; drop it.
    if (query.after !== undefined) {
      const index = found.findIndex((item) => item[query.sortKey] === query.after);
      if (index >= 0) found.splice(index, 1);
    }
  } while (startKey && found.length < wanted);
  return found;
};

export interface ShardedPage {
  readonly items: readonly Item[];
  /** The position after the last item, or null when nothing follows. */
  readonly nextPosition: string | null;
}

export const queryShards = async (
  client: DynamoDBDocumentClient,
  query: ShardedQuery,
): Promise<ShardedPage> => {
  const answers = await Promise.all(
    query.partitions.map((partition) => queryPartition(client, query, partition)),
  );
  const sortKey = (item: Item) => String(item[query.sortKey]);
  const merged = answers.flat().sort((a, b) => (query.ascending ? 1 : -1) * byBytes(sortKey(a), sortKey(b)));
  const items = merged.slice(0, query.limit);
  const last = items.at(-1);
  const more = merged.length > query.limit && last !== undefined;
  return { items, nextPosition: more ? JSON.stringify({ after: sortKey(last) }) : null };
};

/** The sort key a position (from queryShards) resumes after. */
export const afterOfPosition = (position: string | undefined): string | undefined => {
  if (position === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(position);
  } catch {
    throw new InvalidPositionError();
  }
  const after = (parsed as { after?: unknown } | null)?.after;
  if (typeof after !== 'string' || after.length === 0 || after.length > 400) throw new InvalidPositionError();
  return after;
};
