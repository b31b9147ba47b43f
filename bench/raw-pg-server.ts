// The baseline of the server metrics: the least a `node:http` + `pg` service can do for the same two
// requests on the same PostgreSQL, with the same pool size as a replica. GET /users/{id}: one
// SELECT by id and the row as JSON. POST /login: read the user by email, bcrypt compare at the
// stored hash's cost (bcryptjs, inline: no pool), insert a session row, answer. No routing, no
// token, no checks, no rate limit, no audit, no log: the ratio is what all of those add.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import bcrypt from 'bcryptjs';
import pg from 'pg';
import type { RawServer } from './raw-server';

const PUBLIC_COLUMNS =
  'id, email, name, role, status, email_verified, mfa_enabled, last_login, created_at, updated_at';

const bodyOf = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

export const startRawPostgresServer = async (databaseUrl: string): Promise<RawServer> => {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const getUser = async (id: string) => {
    const { rows } = await pool.query(`SELECT ${PUBLIC_COLUMNS} FROM users WHERE id = $1`, [id]);
    return rows[0] ? { status: 200, body: rows[0] } : { status: 404, body: null };
  };
  const login = async (req: IncomingMessage) => {
    const { email, password } = JSON.parse(await bodyOf(req)) as { email: string; password: string };
    const { rows } = await pool.query<{ id: string; password_hash: string; token_version: number }>(
      'SELECT id, password_hash, token_version FROM users WHERE email = $1',
      [email],
    );
    const user = rows[0];
    if (!user || !(await bcrypt.compare(password, user.password_hash))) return { status: 401, body: null };
    const now = new Date();
    await pool.query(
      `INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, user_agent, token_version,
         amr, refresh_hash, generation, rotated_at)
       VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, 0, NULL)`,
      [
        randomUUID(),
        user.id,
        now,
        Math.floor(now.getTime() / 1000) + 30 * 86_400,
        req.headers['user-agent'] ?? null,
        user.token_version,
        ['pwd'],
        randomBytes(32).toString('base64url'),
      ],
    );
    return { status: 200, body: { user: user.id } };
  };
  const server: Server = createServer({ keepAlive: true }, (req, res) => {
    const answer = req.method === 'POST' ? login(req) : getUser((req.url ?? '').split('/')[2] ?? '');
    answer.then(
      ({ status, body }) => {
        const text = JSON.stringify(body);
        res.writeHead(status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
      },
      () => res.writeHead(500).end(),
    );
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await pool.end();
    },
  };
};
