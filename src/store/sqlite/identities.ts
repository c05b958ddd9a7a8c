import { toIdentity, type IdentityRow } from '../rows.js';
import type { IdentityRecord, IdentityRepository } from '../types.js';
import type { Db } from './database.js';

export class SqliteIdentities implements IdentityRepository {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      get: db.prepare<[string], IdentityRow>('SELECT * FROM identities WHERE number = ?'),
      put: db.prepare('INSERT OR REPLACE INTO identities (number, name, model, embedding, photo_file, enrolled_at) VALUES (?, ?, ?, ?, ?, ?)'),
      list: db.prepare<[], IdentityRow>('SELECT * FROM identities ORDER BY number'),
      remove: db.prepare('DELETE FROM identities WHERE number = ?'),
    };
  }

  async get(number: string): Promise<IdentityRecord | undefined> {
    const row = this.stmts.get.get(number);
    return row && toIdentity(row);
  }

  async put(r: IdentityRecord): Promise<void> {
    this.stmts.put.run(r.number, r.name, r.model, JSON.stringify(r.embedding), r.photoFile, r.enrolledMs);
  }

  async list(): Promise<IdentityRecord[]> {
    return this.stmts.list.all().map(toIdentity);
  }

  async remove(number: string): Promise<boolean> {
    return this.stmts.remove.run(number).changes === 1;
  }
}
