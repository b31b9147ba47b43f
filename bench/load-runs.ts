// The load generator, run as a child process (bench/load.ts) so that it does not share an event
// loop with the stack it measures: alternating latencies and throughput in turns.
import { join } from 'node:path';
import { round } from '../test/support/stats';
import type { AutocannonResult, Latencies, LoadJob, LoadResult, Target } from './load';
import { lastLine, runProcess } from './processes';
import type { Throughput } from './report';

const ROOT = join(__dirname, '..');
/** Each throughput run, in seconds. */
export const THROUGHPUT_SECONDS = 10;
/** The 10 s of each throughput run come in chunks that take turns, against drift in the machine's load. */
export const THROUGHPUT_CHUNKS = 10;

export const runTsChild = async (script: string, args: readonly string[]): Promise<string> =>
  lastLine(
    (await runProcess(process.execPath, ['--import', 'tsx', join(__dirname, script), ...args], { cwd: ROOT }))
      .stdout,
  );

export const load = async (jobs: readonly LoadJob[]): Promise<LoadResult[]> =>
  JSON.parse(await runTsChild('load.ts', [JSON.stringify(jobs)])) as LoadResult[];

/** One request at a time to each target in turn; latencies per target, in the targets' order. */
export const alternate = async (targets: readonly Target[], seconds: number): Promise<Latencies[]> => {
  const [result] = await load([{ kind: 'alternate', targets, seconds, warmupSeconds: 1 }]);
  if (result?.kind !== 'alternate') throw new Error('the load generator answered no alternate result');
  return [...result.targets];
};

/** Throughput of each target at `connections`, their chunks taking turns; 2xx per second over all chunks. */
export const throughputInTurns = async (
  targets: readonly Target[],
  connections: number,
): Promise<Throughput[]> => {
  const jobs: LoadJob[] = [];
  for (let chunk = 0; chunk < THROUGHPUT_CHUNKS; chunk++) {
    for (const target of targets) {
      jobs.push({
        kind: 'autocannon',
        ...target,
        connections,
        seconds: THROUGHPUT_SECONDS / THROUGHPUT_CHUNKS,
        ...(chunk === 0 ? { warmupSeconds: 1 } : {}),
      });
    }
  }
  const results = (await load(jobs)) as AutocannonResult[];
  return targets.map((_, turn) => {
    const chunks = results.filter((__, index) => index % targets.length === turn);
    const requests = chunks.reduce((sum, chunk) => sum + chunk.requests, 0);
    const seconds = chunks.reduce((sum, chunk) => sum + chunk.seconds, 0);
    return {
      throughput: round(requests / seconds, 1),
      requests,
      seconds: round(seconds, 2),
      chunks: chunks.map((chunk) => chunk.throughput),
    };
  });
};
