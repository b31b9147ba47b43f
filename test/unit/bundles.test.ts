// The SES client belongs to the mailer alone, and the pages to their own function: the router's
// bundle (cold start, size) must carry neither. Bundled here as CDK bundles them (esbuild, ESM), read through the metafile.
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(__dirname, '..', '..');

const bundleInputs = async (entry: string): Promise<string[]> => {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
};

const SES = /client-sesv2|SESv2/i;

describe('bundles', () => {
  it('keeps the SES client out of the router', async () => {
    const inputs = await bundleInputs('lambda/router/index.ts');
    expect(inputs.filter((input) => SES.test(input))).toEqual([]);
    expect(inputs.some((input) => input.includes('mail/request-mail'))).toBe(true);
  }, 60_000);

  it('keeps the pages out of the router, and the SDK and the router out of the pages function', async () => {
    const router = await bundleInputs('lambda/router/index.ts');
    expect(router.filter((input) => /lambda\/pages|preact|uqr/.test(input))).toEqual([]);
    const pages = await bundleInputs('lambda/pages/index.ts');
    expect(pages.filter((input) => /@aws-sdk|lambda\/(router|users|store)/.test(input))).toEqual([]);
  }, 60_000);

  it('puts it in the mailer', async () => {
    const inputs = await bundleInputs('lambda/mailer/index.ts');
    expect(inputs.some((input) => SES.test(input))).toBe(true);
  }, 60_000);
});
