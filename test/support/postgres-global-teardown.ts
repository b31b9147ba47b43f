export default async function globalTeardown(): Promise<void> {
  await globalThis.__postgres?.stop();
  globalThis.__postgres = undefined;
}
