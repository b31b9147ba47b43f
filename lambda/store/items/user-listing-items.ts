// The keys that put a user into the sorted listing indexes (table-definition: users-by-email and
// users-by-status). Each user lands in one of USER_SHARDS partitions by a hash of its id, so
// sign-ups spread their index writes instead of all hitting one partition; a listing queries
// every shard and merges them (store/sharded-query.ts).
import type { Status, User } from '../../users/user';
import { allShards, shardOf } from './shards';

/** Writes spread over this many partitions; a page reads up to (limit + 1) x USER_SHARDS items. */
export const USER_SHARDS = 4;

export const listingKeysOf = (user: Pick<User, 'id' | 'status'>) => {
  const shard = shardOf(user.id, USER_SHARDS);
  return { list_shard: `users#${shard}`, status_shard: `users#${user.status}#${shard}` };
};

export const listingPartitions = (status: Status | undefined): string[] =>
  allShards(USER_SHARDS).map((shard) => (status ? `users#${status}#${shard}` : `users#${shard}`));
