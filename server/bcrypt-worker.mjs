// One bcrypt job on a worker thread (server/password-pool.ts). Plain JavaScript: a worker thread
// loads this file by path, with no TypeScript loader behind it in every runner (Jest, a bundle).
import bcrypt from 'bcryptjs';

/** @param {{ op: 'hash', password: string, cost: number } | { op: 'compare', password: string, hash: string }} job */
export default function run(job) {
  return job.op === 'hash' ? bcrypt.hash(job.password, job.cost) : bcrypt.compare(job.password, job.hash);
}
