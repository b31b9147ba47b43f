// Cold start: fresh Node processes that import a bundle as deployed and serve one request
// (bench/cold-start-child.mjs), against fresh processes that import an empty module the same way.
// The kinds take turns, so a burst of load from the machine's other users hits each of them alike.
// For reference, the seed's Python stack: python3 importing boto3 and pydantic.
import { join } from 'node:path';
import { median, round } from '../test/support/stats';
import { lastLine, runProcess } from './processes';

const CHILD = join(__dirname, 'cold-start-child.mjs');
export const EMPTY_HANDLER = join(__dirname, 'fixtures', 'empty-handler.mjs');
export const ES256_FLOOR = join(__dirname, 'fixtures', 'es256-floor.mjs');
export const ES256_READ_FLOOR = join(__dirname, 'fixtures', 'es256-read-floor.mjs');
/** The ES256 floor plus the public keys' read through the extension, which every deployed cold start makes. */
export const ES256_READ_FLOOR_NAME = 'ES256 verify + extension read, no library';
/** The router's reference among the cold-start kinds: the bundled SDK and one GetItem, nothing else. */
export const SDK_FLOOR_NAME = 'SDK floor: client + one GetItem';
/** The floor's name among the cold-start kinds: the authorizer's metric is a ratio to it. */
export const ES256_FLOOR_NAME = 'ES256 verify, no library';

export interface ColdStartTarget {
  readonly name: string;
  readonly module: string;
  readonly eventFile: string;
  readonly env: NodeJS.ProcessEnv;
  /** Throws when the one answer is not the expected one: a cold start that fails is no figure. */
  readonly check: (answer: ChildReport) => void;
}

export interface ChildReport {
  readonly importMs: number;
  readonly firstRequestMs: number;
  readonly totalMs: number;
  /** CPU time (user + system) of the process over the same span. */
  readonly cpuMs: number;
  readonly sinceProcessStartMs: number;
  readonly statusCode?: number;
  readonly isAuthorized?: boolean;
}

interface Sample extends ChildReport {
  /** Spawn to exit, from outside: the widest view, also the noisiest. */
  readonly wallMs: number;
}

export interface ColdStartSummary {
  readonly name: string;
  readonly samples: number;
  /** Median CPU time of import + first request, inside the fresh process. */
  readonly medianCpuMs: number;
  /** Median wall time of the same span: also counts waiting for a core and for DynamoDB Local. */
  readonly medianTotalMs: number;
  readonly medianImportMs: number;
  readonly medianFirstRequestMs: number;
  readonly medianWallMs: number;
}

const runNode = async (target: ColdStartTarget): Promise<Sample> => {
  const { stdout, wallMs } = await runProcess(process.execPath, [CHILD, target.module, target.eventFile], {
    env: target.env,
  });
  const report = JSON.parse(lastLine(stdout)) as ChildReport;
  target.check(report);
  return { ...report, wallMs };
};

const summarize = (name: string, samples: readonly Sample[]): ColdStartSummary => ({
  name,
  samples: samples.length,
  medianCpuMs: round(median(samples.map((s) => s.cpuMs))),
  medianTotalMs: round(median(samples.map((s) => s.totalMs))),
  medianImportMs: round(median(samples.map((s) => s.importMs))),
  medianFirstRequestMs: round(median(samples.map((s) => s.firstRequestMs))),
  medianWallMs: round(median(samples.map((s) => s.wallMs))),
});

/** `rounds` fresh processes of every target, in turns; the first target is the baseline. */
export const measureColdStarts = async (
  targets: readonly ColdStartTarget[],
  rounds: number,
): Promise<ColdStartSummary[]> => {
  const samples = targets.map((): Sample[] => []);
  for (let round = 0; round < rounds; round++) {
    for (const [index, target] of targets.entries()) samples[index]?.push(await runNode(target));
  }
  return targets.map((target, index) => summarize(target.name, samples[index] ?? []));
};

/** `node -e ''`, spawn to exit: what the issue calls an empty node process, seen from outside. */
export const measureEmptyNodeWall = async (runs: number, env: NodeJS.ProcessEnv): Promise<number> => {
  const walls: number[] = [];
  for (let run = 0; run < runs; run++)
    walls.push((await runProcess(process.execPath, ['-e', ''], { env })).wallMs);
  return round(median(walls));
};

// The seed's stack imported these at cold start; resource() is where boto3 loads its DynamoDB model.
// Timed inside the fresh python3 process, CPU and wall, like the Node processes.
const pythonTimed = (body: string) =>
  [
    'import json, time',
    'c, t = time.process_time(), time.perf_counter()',
    body,
    'print(json.dumps({"cpuMs": (time.process_time() - c) * 1000, "totalMs": (time.perf_counter() - t) * 1000}))',
  ].join('\n');
const PYTHON_SEED = pythonTimed(
  "import boto3, pydantic\nboto3.resource('dynamodb', region_name='us-east-1')",
);
const PYTHON_EMPTY = pythonTimed('pass');

export interface PythonReference {
  readonly available: boolean;
  readonly reason?: string;
  readonly samples?: number;
  /** Median over fresh python3 processes, minus the same span with nothing imported. */
  readonly medianCpuMs?: number;
  readonly medianTotalMs?: number;
}

export const measurePythonReference = async (rounds: number): Promise<PythonReference> => {
  try {
    await runProcess('python3', ['-c', 'import boto3, pydantic']);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { available: false, reason: `python3 with boto3 and pydantic not available: ${reason}` };
  }
  const timed = async (code: string) =>
    JSON.parse(lastLine((await runProcess('python3', ['-c', code])).stdout)) as {
      cpuMs: number;
      totalMs: number;
    };
  const seed: { cpuMs: number; totalMs: number }[] = [];
  const empty: { cpuMs: number; totalMs: number }[] = [];
  for (let round = 0; round < rounds; round++) {
    empty.push(await timed(PYTHON_EMPTY));
    seed.push(await timed(PYTHON_SEED));
  }
  const less = (key: 'cpuMs' | 'totalMs') =>
    round(median(seed.map((s) => s[key])) - median(empty.map((s) => s[key])));
  return { available: true, samples: rounds, medianCpuMs: less('cpuMs'), medianTotalMs: less('totalMs') };
};
