import dynamoDbTeardown from './global-teardown';
import postgresTeardown from './postgres-global-teardown';

export default async function globalTeardown(): Promise<void> {
  await Promise.all([dynamoDbTeardown(), postgresTeardown()]);
}
