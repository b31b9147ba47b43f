// Jest global setup of the store suites: the port contract runs on DynamoDB Local and on
// PostgreSQL (PGlite needs no server), so both start once for the run.
import dynamoDbSetup from './global-setup';
import postgresSetup from './postgres-global-setup';

export default async function globalSetup(): Promise<void> {
  await Promise.all([dynamoDbSetup(), postgresSetup()]);
}
