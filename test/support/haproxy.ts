// A real load balancer for the replica suite: Debian's HAProxy in front of several `npm run
// serve` processes on loopback, round robin, health-checked on /readyz (a replica that begins
// to drain leaves the rotation at the next check), appending the client to X-Forwarded-For.
// One connection per request to the replicas, and a refused connection retried on another, so a
// replica that stops listening costs no request. `.ci/run` installs haproxy when it is missing.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const HAPROXY = '/usr/sbin/haproxy';
export const haproxyIsInstalled = (): boolean => existsSync(HAPROXY);

export interface RunningHaproxy {
  readonly url: string;
  /** Its process (the bench reads its CPU time). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

const config = (port: number, backends: readonly number[]) => `global
  maxconn 2000
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  option http-server-close
  option forwardfor
  retries 3
  option redispatch 1
  retry-on conn-failure
frontend api
  bind 127.0.0.1:${port}
  default_backend replicas
backend replicas
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter 250ms fall 1 rise 1
${backends.map((backend, i) => `  server r${i} 127.0.0.1:${backend} check`).join('\n')}
`;

const listening = async (port: number, deadline: number): Promise<void> => {
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`HAProxy did not listen on ${port}`);
};

export const startHaproxy = async (port: number, backends: readonly number[]): Promise<RunningHaproxy> => {
  const dir = mkdtempSync(join(tmpdir(), 'user-api-haproxy-'));
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config(port, backends));
  const child: ChildProcess = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await listening(port, Date.now() + 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}: ${stderr}`);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
