/** The page API of a capture session (docs/api.md "Capture sessions"), authenticated by its token. */

export type Hint = 'face' | 'voice' | 'noise' | 'digits' | 'lips' | 'camera' | 'video' | 'time' | 'other';

export interface SessionView {
  state: 'pending' | 'verifying' | 'passed' | 'failed' | 'expired';
  lang: string;
  max_attempts: number;
  attempts_left: number;
  expires_in: number;
  redirect_url: string | null;
  last: { outcome: 'passed' | 'retry' | 'failed'; hint: Hint | null } | null;
}

/** An answer with a non-zero envelope code; `code` is livecheck's (docs/api.md). */
export class ServiceError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** The request did not get an answer (offline, connection dropped, stalled upload). */
export class NetworkError extends Error {}

interface Envelope<D> {
  code: number;
  message: string;
  data: D;
}

/** An upload making no progress for this long is given up (the user can send it again). */
const STALL_MS = 60_000;
/** A 5 s clip is about 1 MB: still sending after this long means a slow connection. */
const SLOW_MS = 8000;

export class CaptureApi {
  constructor(
    private readonly base: URL,
    private readonly token: string,
  ) {}

  session(): Promise<SessionView> {
    return this.call('GET', 'session');
  }

  challenge(): Promise<{ validate_data: string; attempts_left: number }> {
    return this.call('POST', 'challenge');
  }

  /**
   * XMLHttpRequest rather than fetch: only it reports upload progress. `on.progress` gets the
   * sent fraction, `on.slow` fires once when sending takes long, `on.sent` when the last byte
   * is out (the verification then runs on the server).
   */
  upload(video: Blob, filename: string, on: { progress(fraction: number): void; slow(): void; sent(): void }): Promise<SessionView> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      const form = new FormData();
      form.append('video', video, filename);
      const started = Date.now();
      let lastMove = started;
      let slow = false;
      const watch = setInterval(() => {
        if (Date.now() - lastMove > STALL_MS) xhr.abort();
        else if (!slow && Date.now() - started > SLOW_MS) {
          slow = true;
          on.slow();
        }
      }, 1000);
      const done = (): void => clearInterval(watch);
      xhr.upload.onprogress = (e) => {
        lastMove = Date.now();
        if (e.lengthComputable) on.progress(e.loaded / e.total);
      };
      xhr.upload.onload = () => {
        done();
        on.sent();
      };
      xhr.onload = () => {
        done();
        try {
          resolve(unwrap<SessionView>(JSON.parse(xhr.responseText) as Envelope<SessionView>));
        } catch (err) {
          reject(err instanceof ServiceError ? err : new NetworkError(`HTTP ${xhr.status} without an answer`));
        }
      };
      xhr.onerror = xhr.onabort = () => {
        done();
        reject(new NetworkError('upload failed'));
      };
      xhr.open('POST', new URL('api/upload', this.base));
      xhr.setRequestHeader('authorization', `Bearer ${this.token}`);
      xhr.send(form);
    });
  }

  private async call<D>(method: 'GET' | 'POST', path: string): Promise<D> {
    let res: Response;
    try {
      res = await fetch(new URL(`api/${path}`, this.base), { method, headers: { authorization: `Bearer ${this.token}` }, cache: 'no-store' });
    } catch {
      throw new NetworkError(`${path} failed`);
    }
    let body: Envelope<D>;
    try {
      body = (await res.json()) as Envelope<D>;
    } catch {
      throw new NetworkError(`HTTP ${res.status} without an answer`);
    }
    return unwrap(body);
  }
}

function unwrap<D>(body: Envelope<D>): D {
  if (body.code !== 0) throw new ServiceError(body.code, body.message);
  return body.data;
}
