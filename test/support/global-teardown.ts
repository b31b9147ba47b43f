export default async function globalTeardown(): Promise<void> {
  const dynamoDbLocal = globalThis.__dynamoDbLocal;
  if (!dynamoDbLocal) return;
  globalThis.__dynamoDbLocal = undefined;
  await dynamoDbLocal.stop();
}
