import type { IncomingMessage } from 'node:http';

/**
 * Reads and discards what is left of a request body, up to `maxBytes`; true when the body
 * ended. An answer sent while the client is still writing is lost to a client that writes its
 * whole body before it reads (Python urllib and requests): closing the connection on unread
 * bytes resets it, and the client sees a broken pipe instead of the answer.
 */
export function drainBody(raw: IncomingMessage, maxBytes: number): Promise<boolean> {
  if (raw.complete) return Promise.resolve(true);
  if (raw.destroyed || maxBytes <= 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    let read = 0;
    const done = (ended: boolean): void => {
      raw.off('data', onData);
      raw.off('end', onEnd);
      raw.off('close', onClose);
      if (!ended) raw.pause();
      resolve(ended);
    };
    const onData = (chunk: Buffer): void => {
      read += chunk.length;
      if (read > maxBytes) done(false);
    };
    const onEnd = (): void => done(true);
    const onClose = (): void => done(raw.complete);
    raw.on('data', onData);
    raw.once('end', onEnd);
    raw.once('close', onClose);
    raw.resume();
  });
}
