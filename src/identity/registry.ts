import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorName } from '../core/errors.js';
import type { EmbedResult, FaceTemplate } from '../core/inference.js';
import type { Db } from '../store/db.js';
import { normaliseIdNumber, validateIdNumber } from './id-number.js';

export interface IdentityInput {
  number: string;
  name: string;
  photo: Uint8Array;
}

export interface IdentitySummary {
  number: string;
  name: string;
  model: string;
  hasPhoto: boolean;
  enrolledAt: string;
}

export type LookupResult = { ok: true; template: FaceTemplate } | { ok: false; error: ErrorName };
export type AddResult = { ok: true; replaced: boolean } | { ok: false; error: ErrorName };

interface Row {
  number: string;
  name: string;
  model: string;
  embedding: string;
  photo_file: string | null;
  enrolled_at: number;
}

/**
 * The operator's identity registry, standing in for the national authority the legacy
 * service queried: ID number -> (name, face template). The reference photo itself is kept
 * only with retention on (SPEC Security: biometric data is not kept otherwise), as a file
 * under <dataDir>/identity-photos readable by the service user only.
 */
export class IdentityRegistry {
  private readonly photoDir: string;

  constructor(
    private readonly db: Db,
    private readonly opts: { retention: boolean; dataDir: string },
  ) {
    this.photoDir = join(opts.dataDir, 'identity-photos');
    db.exec(`CREATE TABLE IF NOT EXISTS identities (
      number TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      model TEXT NOT NULL,
      embedding TEXT NOT NULL,
      photo_file TEXT,
      enrolled_at INTEGER NOT NULL
    )`);
  }

  /** Enrols (or re-enrols, replacing the old record) an identity from a reference photo. */
  async add(input: IdentityInput, embed: (img: Uint8Array) => Promise<EmbedResult>): Promise<AddResult> {
    const name = normaliseName(input.name ?? '');
    const number = normaliseIdNumber(input.number ?? '');
    if (!number || !name) return { ok: false, error: 'ID_FIELDS_MISSING' };
    if (!validateIdNumber(number)) return { ok: false, error: 'ID_NUMBER_INVALID' };
    if (!input.photo || input.photo.byteLength === 0) return { ok: false, error: 'ID_IMAGE_MISSING' };
    const result = await embed(input.photo);
    if (!result.ok) return result;
    const previous = this.row(number);
    let photoFile: string | null = null;
    if (this.opts.retention) {
      mkdirSync(this.photoDir, { recursive: true, mode: 0o700 });
      photoFile = `${number}.img`;
      writeFileSync(join(this.photoDir, photoFile), input.photo, { mode: 0o600 });
    } else if (previous?.photo_file) {
      this.deletePhoto(previous.photo_file);
    }
    this.db
      .prepare('INSERT OR REPLACE INTO identities (number, name, model, embedding, photo_file, enrolled_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(number, name, result.template.model, JSON.stringify(result.template.embedding), photoFile, Date.now());
    return { ok: true, replaced: previous !== undefined };
  }

  list(): IdentitySummary[] {
    const rows = this.db.prepare('SELECT * FROM identities ORDER BY number').all() as Row[];
    return rows.map((r) => ({
      number: r.number,
      name: r.name,
      model: r.model,
      hasPhoto: r.photo_file !== null,
      enrolledAt: new Date(r.enrolled_at).toISOString(),
    }));
  }

  /** Deletes the record and its photo; false when the number was not enrolled. */
  remove(number: string): boolean {
    const row = this.row(normaliseIdNumber(number ?? ''));
    if (!row) return false;
    this.db.prepare('DELETE FROM identities WHERE number = ?').run(row.number);
    if (row.photo_file) this.deletePhoto(row.photo_file);
    return true;
  }

  lookup(number: string, name: string): LookupResult {
    const n = normaliseIdNumber(number ?? '');
    const nm = normaliseName(name ?? '');
    if (!n || !nm) return { ok: false, error: 'ID_FIELDS_MISSING' };
    if (!validateIdNumber(n)) return { ok: false, error: 'ID_NUMBER_INVALID' };
    const row = this.row(n);
    if (!row) return { ok: false, error: 'ID_NOT_ENROLLED' };
    if (row.name !== nm) return { ok: false, error: 'ID_NAME_MISMATCH' };
    return { ok: true, template: { model: row.model, embedding: JSON.parse(row.embedding) as number[] } };
  }

  private row(number: string): Row | undefined {
    return this.db.prepare('SELECT * FROM identities WHERE number = ?').get(number) as Row | undefined;
  }

  private deletePhoto(file: string): void {
    rmSync(join(this.photoDir, file), { force: true });
  }
}

/** Names compare after Unicode NFC and whitespace folding: '张三' typed two ways is one name. */
export function normaliseName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ');
}
