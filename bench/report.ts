// The report of `npm run bench`: the metrics (each figure against its same-run baseline, and
// its target), bench/results.json, and the printed table.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { median, percentile, round } from '../test/support/stats';
import type { BundleInfo, BundleReport } from './bundles';
import { type ChartResults, drawChart } from './chart';
import {
  type ColdStartSummary,
  ES256_FLOOR_NAME,
  ES256_READ_FLOOR_NAME,
  type PythonReference,
  SDK_FLOOR_NAME,
} from './cold-start';
import type { Latencies } from './load';
import { loginTimeByMemory } from './memory';
import { type Metric, metric, table } from './stats';

const RESULTS_FILE = join(__dirname, 'results.json');
/** The picture of bench/results.json that docs/PERFORMANCE.md shows. */
export const CHART_FILE = join(__dirname, '..', 'docs', 'bench.svg');

/** Draws docs/bench.svg from bench/results.json as it is on disk (`npm run bench -- --chart-only`). */
export const writeChart = (): void => {
  const results = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as ChartResults;
  writeFileSync(CHART_FILE, drawChart(results));
};

export interface Throughput {
  /** 2xx responses per second over all chunks. */
  readonly throughput: number;
  readonly requests: number;
  readonly seconds: number;
  readonly chunks: readonly number[];
}

export interface ListPhase {
  readonly list: Latencies;
  /** GET own user, taking turns with the list: tells a slower page from a busier machine. */
  readonly control: Latencies;
}

export interface Measurements {
  readonly seconds: number;
  readonly bundles: BundleReport;
  readonly cold: {
    readonly rounds: number;
    readonly summaries: readonly ColdStartSummary[];
    readonly emptyNodeWallMs: number;
    readonly python: PythonReference;
  };
  readonly warm: {
    readonly raw: Latencies;
    readonly gateway: Latencies;
    readonly authorizerCacheOff: Latencies;
    /** Raw GetItem timed in-process, no HTTP: for scale only. */
    readonly inProcessGetItem: readonly number[];
  };
  readonly throughput: {
    readonly connections: number;
    readonly raw: Throughput;
    readonly gateway: Throughput;
  };
  readonly login: {
    readonly hash: string;
    readonly cost: number;
    readonly loginP50Ms: number;
    readonly compareP50Ms: number;
    readonly compareCpuMs: number;
    readonly samples: number;
  };
  readonly refresh: {
    readonly gatewayP50Ms: number;
    readonly rawP50Ms: number;
    readonly samples: number;
  };
  readonly list: { readonly users1k: ListPhase; readonly users10k: ListPhase };
}

/** Each cold start minus the empty module's, and the seed's Python imports beside the router's. */
export const printColdStarts = (summaries: readonly ColdStartSummary[], python: PythonReference): void => {
  const empty = summaries.find((summary) => summary.name === 'empty') as ColdStartSummary;
  console.log(
    '\nCold start, import + first request in a fresh process (median; CPU and wall, minus the empty module):',
  );
  for (const summary of summaries.filter((candidate) => candidate.name !== 'empty')) {
    console.log(
      `  ${summary.name}: ${round(summary.medianCpuMs - empty.medianCpuMs, 1)} ms CPU (import ${summary.medianImportMs} ms, first request ${summary.medianFirstRequestMs} ms wall), ${round(summary.medianTotalMs - empty.medianTotalMs, 1)} ms wall`,
    );
  }
  const router = summaries.find((summary) => summary.name === 'router');
  const sdkFloor = summaries.find((summary) => summary.name === SDK_FLOOR_NAME);
  if (router && sdkFloor) {
    console.log(
      `  the router less the bundled SDK's own floor: ${round(router.medianCpuMs - sdkFloor.medianCpuMs, 1)} ms CPU (what the application adds)`,
    );
  }
  const authorizer = summaries.find((summary) => summary.name === 'authorizer');
  const readFloor = summaries.find((summary) => summary.name === ES256_READ_FLOOR_NAME);
  if (authorizer && readFloor) {
    console.log(
      `  the authorizer ÷ the ES256 floor that also reads its keys from the extension: ${round((authorizer.medianCpuMs - empty.medianCpuMs) / (readFloor.medianCpuMs - empty.medianCpuMs), 2)}×`,
    );
  }
  if (python.available && router && python.medianCpuMs) {
    const routerCpu = round(router.medianCpuMs - empty.medianCpuMs, 1);
    console.log(
      `  seed's python3 boto3 + pydantic import: ${python.medianCpuMs} ms CPU, ${python.medianTotalMs} ms wall; router ÷ python = ${round(routerCpu / python.medianCpuMs, 2)}×`,
    );
  } else if (!python.available) {
    console.log(`  seed's python3 reference: not available (${python.reason})`);
  }
};

export const report = (m: Measurements): void => {
  const bundle = (name: BundleInfo['name']) =>
    m.bundles.bundles.find((info) => info.name === name) as BundleInfo;
  const coldOf = (name: string) =>
    m.cold.summaries.find((summary) => summary.name === name) as ColdStartSummary;
  const configuredCost = Number(bundle('router').environment.BCRYPT_COST ?? m.login.cost);
  const memoryTable = loginTimeByMemory({
    compareMs: m.login.compareCpuMs,
    measuredCost: m.login.cost,
    configuredCost,
    restOfLoginMs: Math.max(0, m.login.loginP50Ms - m.login.compareP50Ms),
  });
  // The list ratio with the control's drift between the two phases divided out.
  // How much GET own user, taking turns with the list, moved between the two phases: when the
  // list ratio misses, a control that moved alike says the machine changed, not the listing.
  const listDrift = m.list.users10k.control.p50Ms / m.list.users1k.control.p50Ms;

  const sizeMetric = (name: BundleInfo['name'], target: number): Metric =>
    metric({
      id: `bundle.${name}`,
      name: `bundle size: ${name}`,
      unit: 'KB',
      value: bundle(name).bytes / 1000,
      baselineName: 'absolute (bytes do not vary)',
      derivation: 'absolute',
      target,
    });
  const coldMetric = (name: 'router' | 'authorizer', target: number): Metric =>
    metric({
      id: `cold.${name}`,
      name: `cold start: ${name} (CPU)`,
      unit: 'ms',
      value: coldOf(name).medianCpuMs,
      baseline: coldOf('empty').medianCpuMs,
      baselineName: 'empty module',
      derivation: 'difference',
      target,
    });
  // Issue 19: the authorizer against the least any ES256 verifier pays, both less the empty module.
  const emptyCpu = coldOf('empty').medianCpuMs;
  const authorizerVersusFloor = metric({
    id: 'cold.authorizer.floor',
    name: 'cold start: authorizer ÷ ES256 floor',
    unit: 'ms',
    value: round(coldOf('authorizer').medianCpuMs - emptyCpu, 2),
    baseline: round(coldOf(ES256_FLOOR_NAME).medianCpuMs - emptyCpu, 2),
    baselineName: 'no-library ES256 verify',
    derivation: 'ratio',
    target: 1.5,
  });
  const metrics: Metric[] = [
    sizeMetric('router', 350),
    // ES256: the published keys' reader, the kid lookup and their refresh (docs/PERFORMANCE.md).
    sizeMetric('authorizer', 22),
    // Issue 19's targets: the router's import + first request, the authorizer against its floor.
    coldMetric('router', 60),
    authorizerVersusFloor,
    metric({
      id: 'warm.p50',
      name: 'warm GET own user p50',
      unit: 'ms',
      value: m.warm.gateway.p50Ms,
      baseline: m.warm.raw.p50Ms,
      baselineName: 'raw GetItem',
      derivation: 'ratio',
      target: 1.2,
    }),
    metric({
      id: 'warm.p99',
      name: 'warm GET own user p99',
      unit: 'ms',
      value: m.warm.gateway.p99Ms,
      baseline: m.warm.raw.p99Ms,
      baselineName: 'raw GetItem',
      derivation: 'ratio',
      target: 1.2,
    }),
    metric({
      id: 'login.p50',
      name: 'login p50',
      unit: 'ms',
      value: m.login.loginP50Ms,
      baseline: m.login.compareP50Ms,
      baselineName: `bcrypt compare, cost ${m.login.cost}`,
      derivation: 'ratio',
      target: 1.1,
    }),
    metric({
      id: 'refresh.p50',
      name: 'refresh p50',
      unit: 'ms',
      value: m.refresh.gatewayP50Ms,
      baseline: m.refresh.rawP50Ms,
      baselineName: 'raw reads + conditional write',
      derivation: 'ratio',
      target: 1.2,
    }),
    metric({
      id: 'list.scaling',
      name: 'list limit=25 p50, 10k/1k users',
      unit: 'ms',
      value: m.list.users10k.list.p50Ms,
      baseline: m.list.users1k.list.p50Ms,
      baselineName: 'at 1,000 users',
      derivation: 'ratio',
      target: 1.2,
    }),
    metric({
      id: 'throughput',
      name: `throughput GET own user, ${m.throughput.connections} conns`,
      unit: 'req/s',
      value: m.throughput.gateway.throughput,
      baseline: m.throughput.raw.throughput,
      baselineName: 'raw GetItem',
      derivation: 'ratio',
      target: 0.8,
      comparison: 'at-least',
    }),
  ];

  const results = {
    generatedAt: new Date().toISOString(),
    durationSeconds: m.seconds,
    machine: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: cpus().length,
      loadAverage1m: round(loadavg()[0] ?? 0, 2),
    },
    metrics,
    details: {
      synthSeconds: round(m.bundles.synthSeconds, 1),
      bundles: m.bundles.bundles.map(({ file: _file, environment: _env, contributors, ...info }) => ({
        ...info,
        contributors: contributors.slice(0, 15),
      })),
      coldStart: m.cold,
      warm: {
        ...m.warm,
        inProcessGetItem: {
          p50Ms: round(median(m.warm.inProcessGetItem), 3),
          p99Ms: round(percentile(m.warm.inProcessGetItem, 99), 3),
          samples: m.warm.inProcessGetItem.length,
        },
      },
      throughput: m.throughput,
      // Everything but the hash: no output of this project carries one.
      login: { ...m.login, hash: undefined },
      refresh: m.refresh,
      list: {
        ...m.list,
        controlDrift: round(listDrift, 3),
        ratioWithDriftDividedOut: round(
          m.list.users10k.list.p50Ms / m.list.users1k.list.p50Ms / listDrift,
          3,
        ),
      },
      memoryTable: { configuredMemoryMb: bundle('router').memorySize, configuredCost, rows: memoryTable },
    },
  };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  writeChart();

  console.log('\nLargest contributors to each bundle (minified KB):');
  for (const info of m.bundles.bundles) {
    const top = info.contributors
      .slice(0, 8)
      .map((contributor) => `${contributor.name} ${(contributor.bytes / 1000).toFixed(1)}`)
      .join(', ');
    console.log(`  ${info.name} ${(info.bytes / 1000).toFixed(1)}: ${top}`);
  }
  printColdStarts(m.cold.summaries, m.cold.python);
  console.log(
    [
      `node -e '' spawn to exit ${m.cold.emptyNodeWallMs} ms.`,
      `Warm GET own user, authorizer cache off: p50 ${m.warm.authorizerCacheOff.p50Ms} ms (cache on: ${m.warm.gateway.p50Ms} ms).`,
      `List scaling control (GET own user, in turns with the list): ${m.list.users1k.control.p50Ms} ms at 1k, ${m.list.users10k.control.p50Ms} ms at 10k.`,
      `Router at ${bundle('router').memorySize} MB, cost ${configuredCost}: login ≈ ${
        memoryTable.find((row) => row.memoryMb === bundle('router').memorySize)?.loginMs ?? '?'
      } ms on Lambda (derived; see docs/PERFORMANCE.md).`,
    ].join('\n'),
  );
  console.log(`\n${table(metrics)}\n`);
  console.log(
    `${metrics.filter((entry) => entry.pass).length} of ${metrics.length} targets met in ${m.seconds} s (load average ${results.machine.loadAverage1m} on ${results.machine.cpus} cores); bench/results.json and docs/bench.svg written.`,
  );
};
