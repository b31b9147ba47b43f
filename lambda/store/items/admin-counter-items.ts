// Item kind: the active-admin counter `admins#active` — how many users are admins with status
// active. Every write that changes that number updates it in the same transaction, and the
// decrement is conditioned on `admin_count > 1`, so the last active admin can never go: a
// condition sees only its own item, and this item is the one every such change must touch.
export const adminCounterKey = { id: 'admins#active' } as const;

export const adminCounterItem = (count: number) => ({ ...adminCounterKey, admin_count: count });

export const addAdmin = {
  UpdateExpression: 'ADD admin_count :one',
  ConditionExpression: 'attribute_exists(id)',
  ExpressionAttributeValues: { ':one': 1 },
} as const;

export const removeAdmin = {
  UpdateExpression: 'ADD admin_count :minus',
  ConditionExpression: 'admin_count > :one',
  ExpressionAttributeValues: { ':minus': -1, ':one': 1 },
} as const;
