import type pg from 'pg';
import { toIdentity, type IdentityRow } from '../rows.js';
import type { IdentityRecord, IdentityRepository } from '../types.js';

export class PostgresIdentities implements IdentityRepository {
  constructor(private readonly pool: pg.Pool) {}

  async get(number: string): Promise<IdentityRecord | undefined> {
    const { rows } = await this.pool.query<IdentityRow>('SELECT * FROM identities WHERE number = $1', [number]);
    return rows[0] && toIdentity(rows[0]);
  }

  async put(r: IdentityRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO identities (number, name, model, embedding, photo_file, enrolled_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (number) DO UPDATE SET name = EXCLUDED.name, model = EXCLUDED.model, embedding = EXCLUDED.embedding,
         photo_file = EXCLUDED.photo_file, enrolled_at = EXCLUDED.enrolled_at`,
      [r.number, r.name, r.model, JSON.stringify(r.embedding), r.photoFile, r.enrolledMs],
    );
  }

  async list(): Promise<IdentityRecord[]> {
    return (await this.pool.query<IdentityRow>('SELECT * FROM identities ORDER BY number')).rows.map(toIdentity);
  }

  async remove(number: string): Promise<boolean> {
    return (await this.pool.query('DELETE FROM identities WHERE number = $1', [number])).rowCount === 1;
  }
}
