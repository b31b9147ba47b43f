// The known-devices port (users/known-devices.ts) on SQL: one row per device, by its token's hash.
import type { KnownDevice, KnownDevices } from '../../../users/known-devices';
import type { SqlDatabase } from '../database';

interface DeviceRow {
  user_id: string;
  token_version: number;
  expires_at: string | number;
}

export class SqlKnownDevices implements KnownDevices {
  constructor(private readonly db: SqlDatabase) {}

  async remember({ hash, userId, tokenVersion, expiresAt }: KnownDevice): Promise<void> {
    await this.db.query(
      `INSERT INTO known_devices (hash, user_id, token_version, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (hash) DO UPDATE SET user_id = $2, token_version = $3, expires_at = $4`,
      [hash, userId, tokenVersion, expiresAt],
    );
  }

  async find(hash: string): Promise<KnownDevice | undefined> {
    const { rows } = await this.db.query<DeviceRow>(
      'SELECT user_id, token_version, expires_at FROM known_devices WHERE hash = $1',
      [hash],
    );
    const row = rows[0];
    // bigint: pg hands it over as a string.
    return (
      row && { hash, userId: row.user_id, tokenVersion: row.token_version, expiresAt: Number(row.expires_at) }
    );
  }
}
