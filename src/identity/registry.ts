import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorName } from '../core/errors.js';
import type { EmbedResult, FaceTemplate } from '../core/inference.js';
import type { IdentityRecord, IdentityRepository } from '../store/index.js';
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

/**
 * The operator's identity registry, standing in for the national authority the legacy
 * service queried: ID number -> (name, face template). The reference photo itself is kept
 * only with retention on (SPEC Security: biometric data is not kept otherwise), as a file
 * under <dataDir>/identity-photos readable by the service user only.
 */
export class IdentityRegistry {
  private readonly photoDir: string;

  constructor(
    private readonly repo: IdentityRepository,
    private readonly opts: { retention: boolean; dataDir: string },
  ) {
    this.photoDir = join(opts.dataDir, 'identity-photos');
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
    const previous = await this.repo.get(number);
    let photoFile: string | null = null;
    if (this.opts.retention) {
      mkdirSync(this.photoDir, { recursive: true, mode: 0o700 });
      photoFile = `${number}.img`;
      writeFileSync(join(this.photoDir, photoFile), input.photo, { mode: 0o600 });
    } else if (previous?.photoFile) {
      this.deletePhoto(previous.photoFile);
    }
    await this.repo.put({ number, name, model: result.template.model, embedding: result.template.embedding, photoFile, enrolledMs: Date.now() });
    return { ok: true, replaced: previous !== undefined };
  }

  async list(): Promise<IdentitySummary[]> {
    return (await this.repo.list()).map((r: IdentityRecord) => ({
      number: r.number,
      name: r.name,
      model: r.model,
      hasPhoto: r.photoFile !== null,
      enrolledAt: new Date(r.enrolledMs).toISOString(),
    }));
  }

  /** Deletes the record and its photo; false when the number was not enrolled. */
  async remove(number: string): Promise<boolean> {
    const row = await this.repo.get(normaliseIdNumber(number ?? ''));
    if (!row) return false;
    await this.repo.remove(row.number);
    if (row.photoFile) this.deletePhoto(row.photoFile);
    return true;
  }

  async lookup(number: string, name: string): Promise<LookupResult> {
    const n = normaliseIdNumber(number ?? '');
    const nm = normaliseName(name ?? '');
    if (!n || !nm) return { ok: false, error: 'ID_FIELDS_MISSING' };
    if (!validateIdNumber(n)) return { ok: false, error: 'ID_NUMBER_INVALID' };
    const row = await this.repo.get(n);
    if (!row) return { ok: false, error: 'ID_NOT_ENROLLED' };
    if (row.name !== nm) return { ok: false, error: 'ID_NAME_MISMATCH' };
    return { ok: true, template: { model: row.model, embedding: row.embedding } };
  }

  private deletePhoto(file: string): void {
    rmSync(join(this.photoDir, file), { force: true });
  }
}

/** Names compare after Unicode NFC and whitespace folding: '张三' typed two ways is one name. */
export function normaliseName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ');
}
