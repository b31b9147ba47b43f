// The server figures in bench/results.json: their metrics (replacing the `serve.*` ones of an
// earlier run, every other metric kept), their details under `details.serve`, the chart redrawn,
// and the table printed.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { round } from '../test/support/stats';
import { writeChart } from './report';
import type { ServeMeasurements } from './serve';
import { type Metric, metric, table } from './stats';

const RESULTS_FILE = join(__dirname, 'results.json');

export const serveMetrics = (m: ServeMeasurements): Metric[] => [
  metric({
    id: 'serve.get.p50',
    name: 'server: GET own user p50',
    unit: 'ms',
    value: m.get.serve.p50Ms,
    baseline: m.get.raw.p50Ms,
    baselineName: 'raw node:http + pg',
    derivation: 'ratio',
    target: 1.2,
  }),
  metric({
    id: 'serve.login.p50',
    name: 'server: login p50',
    unit: 'ms',
    value: m.login.serve.p50Ms,
    baseline: m.login.raw.p50Ms,
    baselineName: 'raw node:http + pg + bcrypt',
    derivation: 'ratio',
    target: 1.2,
  }),
  metric({
    id: 'serve.throughput',
    name: `server: throughput per replica, ${m.throughput.connections} conns`,
    unit: 'req/s',
    value: m.throughput.serve.throughput,
    baseline: m.throughput.raw.throughput,
    baselineName: 'raw node:http + pg',
    derivation: 'ratio',
    target: 0.8,
    comparison: 'at-least',
  }),
  metric({
    id: 'serve.get.under-logins',
    name: `server: GET own user p50 during ${m.underLogins.logins} logins`,
    unit: 'ms',
    value: m.underLogins.loaded.p50Ms,
    baseline: m.underLogins.quiet.p50Ms,
    baselineName: 'quiet, just before',
    derivation: 'ratio',
    target: 3,
  }),
];

export const reportServe = (m: ServeMeasurements, seconds: number): void => {
  const results = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as {
    metrics: Metric[];
    details: Record<string, unknown>;
  };
  const metrics = serveMetrics(m);
  results.metrics = [...results.metrics.filter((entry) => !entry.id.startsWith('serve.')), ...metrics];
  results.details.serve = {
    generatedAt: new Date().toISOString(),
    durationSeconds: round(seconds, 1),
    ...m,
  };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  writeChart();

  console.log('\nServer, 1–3 replicas behind HAProxy on one PostgreSQL (GET own user, 50 connections):');
  for (const row of m.scaling)
    console.log(`  ${row.replicas}: ${row.throughput} req/s, p50 ${row.p50Ms} ms — ${row.bottleneck}`);
  console.log('RSS of one replica, MB (serving → after 10,000 requests):');
  for (const [store, rss] of Object.entries(m.rssMb))
    console.log(`  ${store}: ${rss.started} → ${rss.after}`);
  console.log(
    `GET own user during ${m.underLogins.logins} logins (${m.underLogins.loginsPerSecond} logins/s): p50 ${m.underLogins.loaded.p50Ms} ms, quiet ${m.underLogins.quiet.p50Ms} ms before, ${m.underLogins.quietAfter.p50Ms} ms after.`,
  );
  console.log(`\n${table(metrics)}\n`);
  console.log(
    `${metrics.filter((entry) => entry.pass).length} of ${metrics.length} server targets met in ${round(seconds, 1)} s (load average ${m.loadAverage1m} at the start); bench/results.json and docs/bench.svg updated.`,
  );
};
