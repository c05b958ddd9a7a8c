import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { copyFile, open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';

/**
 * Where uploads live while their request runs, under `<dataDir>/tmp`. Biometric data must not
 * outlive its request (SPEC Security), also when the process is killed:
 *
 * - On Linux every file is unlinked as soon as it is opened and read back through
 *   `/proc/<pid>/fd/<n>` (ffmpeg, the worker threads and readFile open that path), so its bytes
 *   go with the last descriptor: when the request ends, or when the process dies, even by
 *   kill -9, with nothing left on disk.
 * - Elsewhere the named file is removed when the request ends.
 *
 * Either way `sweep()` at start-up removes what a killed process left (a named file, or one
 * caught between open and unlink, which is still empty).
 */
export class UploadDir {
  /** Files are unlinked at once and reached through /proc (Linux). */
  readonly anonymous: boolean;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.anonymous = existsSync(`/proc/${process.pid}/fd`);
  }

  /**
   * Removes the entries of processes that are gone. Names start with the pid that wrote them;
   * our own pid can only come from an earlier run (a container restarts as pid 1), since the
   * sweep runs before the first upload. Entries without a pid are from older versions.
   */
  sweep(): string[] {
    const removed: string[] = [];
    for (const name of readdirSync(this.dir)) {
      const pid = Number(/^(\d+)-/.exec(name)?.[1]);
      if (Number.isInteger(pid) && pid !== process.pid && processAlive(pid)) continue;
      rmSync(join(this.dir, name), { recursive: true, force: true });
      removed.push(name);
    }
    return removed;
  }

  async create(label: string): Promise<UploadFile> {
    const name = `${process.pid}-${randomUUID()}-${label.replace(/[^\w-]/g, '_').slice(0, 32)}`;
    const file = join(this.dir, name);
    const handle = await open(file, 'wx+', 0o600);
    if (!this.anonymous) return new UploadFile(handle, label, file, file);
    try {
      await rm(file);
    } catch (err) {
      await handle.close();
      throw err;
    }
    return new UploadFile(handle, label, `/proc/${process.pid}/fd/${handle.fd}`, null);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One upload: written once, then read by path until the request disposes of it. */
export class UploadFile {
  bytes = 0;

  constructor(
    private readonly handle: FileHandle,
    /** The part it came from (video, card, image). */
    readonly label: string,
    /** The path every reader opens (a /proc link when the file has no name). */
    readonly path: string,
    /** The file's name in the upload dir while it has one. */
    private readonly named: string | null,
  ) {}

  /** A stream that writes the upload; the descriptor stays open for the readers. */
  writable(): Writable {
    return new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        this.handle.write(chunk).then(() => {
          this.bytes += chunk.length;
          cb();
        }, cb);
      },
    });
  }

  /** Closes the file, so its bytes go; with retention a copy named `<keepAs>-<label>` stays in `retainDir`. */
  async dispose(retainDir: string | null, keepAs: string): Promise<void> {
    try {
      if (retainDir) await copyFile(this.path, join(retainDir, `${keepAs}-${this.label}`));
    } finally {
      await this.handle.close();
      if (this.named) await rm(this.named, { force: true });
    }
  }
}
