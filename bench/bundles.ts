// Child process of `npm run bench`: synthesizes the stack with its own bundling (the same
// addUserApiStack that `cdk synth` runs), reads the router and authorizer bundles out of the cloud
// assembly, and rebuilds each with esbuild's metafile, from the very options the stack uses, to
// name the largest contributors. Prints one JSON line (BundleReport). Kept out of the benchmark's
// own process so that aws-cdk-lib never loads where latencies are measured.
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type BuildOptions, build } from 'esbuild';
import type { ApiFunction } from '../lib/api-function';
import { API_FUNCTION_BUNDLING } from '../lib/api-function';
import { addUserApiStack } from '../lib/user-api-app';

const ROOT = resolve(__dirname, '..');
export const BENCH_BRANCH = 'bench';

export interface Contributor {
  /** An npm package, or one of our folders (`lambda/users`) or files (`docs/openapi.json`). */
  readonly name: string;
  readonly bytes: number;
}

export interface BundleInfo {
  readonly name: 'router' | 'authorizer';
  /** The deployed file, inside the cloud assembly. */
  readonly file: string;
  readonly bytes: number;
  readonly sourceMapBytes: number;
  /** The esbuild rebuild with a metafile: equal to `bytes` when the options really are the stack's. */
  readonly rebuiltBytes: number;
  readonly contributors: readonly Contributor[];
  readonly memorySize: number;
  readonly architectures: readonly string[];
  readonly runtime: string;
  /** The function's environment as the template sets it (literal values only). */
  readonly environment: Record<string, string>;
  /** Variables whose values CloudFormation resolves at deployment (Ref, GetAtt): the bench supplies them. */
  readonly deployTimeEnvironment: readonly string[];
}

export interface BundleReport {
  readonly synthSeconds: number;
  readonly bundles: readonly BundleInfo[];
  /** bench/fixtures/sdk-floor.ts bundled with the same options: the router's cold-start reference. */
  readonly sdkFloor: { readonly file: string; readonly bytes: number };
}

/** The SDK-only reference, bundled exactly as the stack bundles the router, written into `outdir`. */
const bundleSdkFloor = async (outdir: string): Promise<BundleReport['sdkFloor']> => {
  const file = join(outdir, 'sdk-floor', 'index.mjs');
  await build({
    ...esbuildOptionsOf(API_FUNCTION_BUNDLING, join(ROOT, 'bench', 'fixtures', 'sdk-floor.ts')),
    outfile: file,
    write: true,
    metafile: false,
  });
  return { file, bytes: statSync(file).size };
};

/** Repeats what aws-lambda-nodejs does with these options; an option it does not map stops the bench. */
export const esbuildOptionsOf = (bundling: BundlingOptions, entry: string): BuildOptions => {
  const mapped = new Set([
    'forceDockerBundling',
    'format',
    'target',
    'mainFields',
    'minify',
    'sourceMap',
    'sourcesContent',
    'bundleAwsSDK',
    'banner',
    'define',
    'esbuildArgs',
  ]);
  const unmapped = Object.keys(bundling).filter((key) => !mapped.has(key));
  if (unmapped.length > 0)
    throw new Error(`bench/bundles.ts does not map bundling options ${unmapped.join(', ')}`);
  const alias: Record<string, string> = {};
  let legalComments: BuildOptions['legalComments'];
  for (const [flag, value] of Object.entries(bundling.esbuildArgs ?? {})) {
    if (flag === '--alias' && (typeof value === 'string' || Array.isArray(value))) {
      for (const pair of typeof value === 'string' ? [value] : value) {
        const [from = '', to = ''] = pair.split('=');
        alias[from] = to;
      }
    } else if (flag === '--legal-comments' && typeof value === 'string') {
      legalComments = value as BuildOptions['legalComments'];
    } else {
      throw new Error(`bench/bundles.ts does not map the esbuild argument ${flag}`);
    }
  }
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    // aws-lambda-nodejs runs esbuild in the project root: relative aliases resolve from there.
    absWorkingDir: ROOT,
    outfile: join(ROOT, 'cdk.out', 'bench-rebuild', 'index.mjs'),
    write: false,
    metafile: true,
    logLevel: 'warning',
    format: bundling.format === OutputFormat.ESM ? 'esm' : 'cjs',
    target: bundling.target,
    mainFields: bundling.mainFields,
    minify: bundling.minify,
    sourcemap: bundling.sourceMap,
    sourcesContent: bundling.sourcesContent,
    // The runtime's @aws-sdk is left external unless the SDK is bundled.
    external: bundling.bundleAwsSDK ? [] : ['@aws-sdk/*'],
    define: bundling.define,
    alias,
    legalComments,
    ...(bundling.banner ? { banner: { js: bundling.banner } } : {}),
  };
};

const contributorOf = (input: string): string => {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (pkg?.[1]) return pkg[1];
  const parts = input.split('/');
  return parts[0] === 'lambda' && parts.length > 2 ? parts.slice(0, 2).join('/') : input;
};

const rebuild = async (entry: string): Promise<{ bytes: number; contributors: Contributor[] }> => {
  const result = await build(esbuildOptionsOf(API_FUNCTION_BUNDLING, entry));
  const output = Object.values(result.metafile?.outputs ?? {}).find((candidate) => candidate.entryPoint);
  if (!output) throw new Error(`esbuild produced no bundle for ${entry}`);
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = contributorOf(input);
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  const inputs = [...totals.values()].reduce((sum, bytes) => sum + bytes, 0);
  totals.set('(banner, esbuild runtime, glue)', output.bytes - inputs);
  const contributors = [...totals]
    .map(([name, bytes]) => ({ name, bytes }))
    .filter((contributor) => contributor.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return { bytes: output.bytes, contributors };
};

interface AssetManifest {
  readonly files: Record<string, { readonly source: { readonly path: string } }>;
}

interface TemplateFunction {
  readonly Properties: {
    readonly Code: { readonly S3Key: string };
    readonly MemorySize: number;
    readonly Architectures?: string[];
    readonly Runtime: string;
    readonly Environment?: { readonly Variables?: Record<string, unknown> };
  };
}

const synthesize = async (outdir: string): Promise<BundleReport> => {
  const cdkJson = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context?: object };
  const app = new App({ outdir, context: { ...cdkJson.context, branch: BENCH_BRANCH } });
  const stack = addUserApiStack(app, BENCH_BRANCH);
  const started = performance.now();
  const assembly = app.synth();
  const synthSeconds = (performance.now() - started) / 1000;
  const artifact = assembly.getStackArtifact(stack.artifactId);
  const template = artifact.template as { Resources: Record<string, TemplateFunction> };
  const assets = JSON.parse(
    readFileSync(join(outdir, `${stack.artifactId}.assets.json`), 'utf8'),
  ) as AssetManifest;

  const describe = async (name: BundleInfo['name'], fn: ApiFunction): Promise<BundleInfo> => {
    const logicalId = stack.resolve((fn.function.node.defaultChild as CfnFunction).logicalId) as string;
    const { Properties } = template.Resources[logicalId] as TemplateFunction;
    const hash = Properties.Code.S3Key.replace(/\.zip$/, '');
    const source = assets.files[hash]?.source.path;
    if (!source) throw new Error(`no asset ${hash} for the ${name} function`);
    const file = join(outdir, source, 'index.mjs');
    const rebuilt = await rebuild(join(ROOT, 'lambda', name, 'index.ts'));
    const variables = Object.entries(Properties.Environment?.Variables ?? {});
    const environment = Object.fromEntries(
      variables.filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    const deployTimeEnvironment = variables
      .filter(([, value]) => typeof value !== 'string')
      .map(([key]) => key);
    return {
      name,
      file,
      bytes: statSync(file).size,
      sourceMapBytes: statSync(`${file}.map`, { throwIfNoEntry: false })?.size ?? 0,
      rebuiltBytes: rebuilt.bytes,
      contributors: rebuilt.contributors,
      memorySize: Properties.MemorySize,
      architectures: Properties.Architectures ?? ['x86_64'],
      runtime: Properties.Runtime,
      environment,
      deployTimeEnvironment,
    };
  };
  return {
    synthSeconds,
    bundles: [await describe('router', stack.router), await describe('authorizer', stack.authorizer)],
    sdkFloor: await bundleSdkFloor(outdir),
  };
};

const outdir = process.argv[2];
if (!outdir) throw new Error('usage: bench/bundles.ts <cloud assembly folder>');
synthesize(resolve(outdir)).then(
  (report) => console.log(JSON.stringify(report)),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
