// Spreading one logical partition over a few physical ones: an item's shard is a stable hash of
// its id, so writes spread evenly and a reader knows every shard to query.

/** FNV-1a: stable across processes and runtimes (unlike any built-in hash). */
export const shardOf = (id: string, shards: number): number => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index++) {
    hash ^= id.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
};

export const allShards = (shards: number): number[] => Array.from({ length: shards }, (_, index) => index);
