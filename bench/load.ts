// Child process of `npm run bench`: the load generator, outside the server's process so that it
// never shares the server's event loop. Two kinds of job, run one after another:
// - `autocannon`: many connections against one URL, for throughput;
// - `alternate`: one request at a time to each target in turn, over keep-alive connections, for
//   latency. Taking turns request by request means a burst of load from the machine's other users
//   lands on the baseline and the subject alike, which back-to-back runs cannot promise.
// Every response time is kept (autocannon's own histogram rounds to whole milliseconds).
// Input: one JSON argument, LoadJob[]. Output: one JSON line, LoadResult[].
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import { percentile, round } from '../test/support/stats';

export interface Target {
  readonly url: string;
  readonly headers?: Record<string, string>;
  /** GET unless said; a body is sent as given (the caller sets its content-type). */
  readonly method?: string;
  readonly body?: string;
}

export interface AutocannonJob extends Target {
  readonly kind: 'autocannon';
  readonly connections: number;
  readonly seconds: number;
  /** Stop after this many requests instead of after `seconds`. */
  readonly amount?: number;
  /** One body per connection, in turn (each connection keeps its own: 60 users logging in at once). */
  readonly bodies?: readonly string[];
  /** A first, unrecorded run: connections open, JIT and caches warm. */
  readonly warmupSeconds?: number;
}

export interface AlternateJob {
  readonly kind: 'alternate';
  readonly targets: readonly Target[];
  readonly seconds: number;
  readonly warmupSeconds?: number;
}

export type LoadJob = AutocannonJob | AlternateJob;

export interface Latencies {
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface AutocannonResult extends Latencies {
  readonly kind: 'autocannon';
  readonly seconds: number;
  /** 2xx responses per second. */
  readonly throughput: number;
}

export interface AlternateResult {
  readonly kind: 'alternate';
  /** One entry per target, in the job's order. */
  readonly targets: readonly Latencies[];
}

export type LoadResult = AutocannonResult | AlternateResult;

const latencies = (samples: readonly number[]): Latencies => ({
  requests: samples.length,
  p50Ms: round(percentile(samples, 50), 3),
  p99Ms: round(percentile(samples, 99), 3),
});

const bodyPerConnection = (bodies: readonly string[]) => {
  let next = 0;
  return (client: autocannon.Client) => {
    client.setBody(bodies[next++ % bodies.length] ?? '');
  };
};

const runAutocannon = async (job: AutocannonJob, seconds: number): Promise<AutocannonResult> => {
  const samples: number[] = [];
  let failed = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.url,
        headers: job.headers,
        method: (job.method ?? 'GET') as autocannon.Request['method'],
        body: job.body,
        connections: job.connections,
        ...(job.amount ? { amount: job.amount } : { duration: seconds }),
        ...(job.bodies ? { setupClient: bodyPerConnection(job.bodies) } : {}),
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) samples.push(responseTime);
      else failed++;
    });
  });
  if (failed > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${job.url}: ${failed} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return {
    kind: 'autocannon',
    ...latencies(samples),
    seconds: result.duration,
    throughput: round(samples.length / result.duration, 1),
  };
};

const agents = new Map<string, Agent>();

/** One request over a kept-alive connection of its own origin; resolves with its time in ms. */
const timedRequest = (target: Target): Promise<number> =>
  new Promise((resolve, reject) => {
    const url = new URL(target.url);
    let agent = agents.get(url.origin);
    if (!agent) {
      agent = new Agent({ keepAlive: true, maxSockets: 1 });
      agents.set(url.origin, agent);
    }
    const started = performance.now();
    const req = request(url, { agent, headers: target.headers, method: target.method ?? 'GET' }, (res) => {
      res.resume();
      res.once('end', () => {
        const ms = performance.now() - started;
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(ms);
        else reject(new Error(`${target.url} answered ${status}`));
      });
    });
    req.once('error', reject);
    req.end(target.body);
  });

const runAlternate = async (job: AlternateJob, seconds: number): Promise<AlternateResult> => {
  const samples = job.targets.map((): number[] => []);
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    for (const [index, target] of job.targets.entries()) samples[index]?.push(await timedRequest(target));
  }
  return { kind: 'alternate', targets: samples.map(latencies) };
};

const run = (job: LoadJob, seconds: number): Promise<LoadResult> =>
  job.kind === 'autocannon' ? runAutocannon(job, seconds) : runAlternate(job, seconds);

const main = async (): Promise<void> => {
  const jobs = JSON.parse(process.argv[2] ?? '[]') as LoadJob[];
  const results: LoadResult[] = [];
  for (const job of jobs) {
    if (job.warmupSeconds) await run(job, job.warmupSeconds);
    results.push(await run(job, job.seconds));
  }
  for (const agent of agents.values()) agent.destroy();
  console.log(JSON.stringify(results));
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
