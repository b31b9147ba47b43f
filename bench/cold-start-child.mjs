// One fresh Node process of the cold-start measurement (bench/cold-start.ts): import a Lambda
// bundle, call its handler once with the given event, report how long that took. Plain JavaScript
// run by bare `node`, so that nothing but the bundle itself (no tsx, no TypeScript) is measured.
// Both wall time and the process's CPU time are reported: on a shared machine the first also
// counts the time spent waiting for a core.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [modulePath, eventPath] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventPath, 'utf8'));
const context = { awsRequestId: 'cold-start', getRemainingTimeInMillis: () => 10_000 };

const cpuBefore = process.cpuUsage();
const started = performance.now();
const { handler } = await import(pathToFileURL(modulePath).href);
const imported = performance.now();
const result = await handler(event, context);
const answered = performance.now();
const cpu = process.cpuUsage(cpuBefore);

// Last line of stdout: whatever the handler logged comes before it.
process.stdout.write(
  `\n${JSON.stringify({
    importMs: imported - started,
    firstRequestMs: answered - imported,
    totalMs: answered - started,
    cpuMs: (cpu.user + cpu.system) / 1000,
    sinceProcessStartMs: answered,
    statusCode: result?.statusCode,
    isAuthorized: result?.isAuthorized,
  })}\n`,
);
// A Lambda environment lives on; this process has said all it came to say.
process.exit(0);
