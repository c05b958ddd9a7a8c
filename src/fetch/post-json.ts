import { request } from 'undici';
import type { Resolver } from './address-policy.js';
import { classify, guardedAgent, parseTarget } from './fetch-image.js';

export interface PostOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  /** Name resolution used at connect time; tests inject one to simulate DNS answers. */
  resolver?: Resolver;
}

/**
 * POSTs a body to a URL an app gave us (capture callbacks) under the same address policy as
 * image downloads: http(s) only, every resolved address checked at connect time, the whole
 * exchange bounded in time. Redirects are not followed (a redirected POST is a failed
 * delivery). Resolves to the HTTP status; the answer's body is read and discarded.
 */
export async function postJson(url: string, body: string, headers: Record<string, string>, opts: PostOptions): Promise<number> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), opts.timeoutMs);
  const agent = guardedAgent(opts);
  try {
    const target = parseTarget(url, opts.allowPrivate);
    const res = await request(target, {
      method: 'POST',
      dispatcher: agent,
      signal: abort.signal,
      headers: { 'content-type': 'application/json', ...headers },
      body,
    }).catch((err: unknown) => {
      throw classify(err, abort.signal.aborted);
    });
    await res.body.dump().catch(() => undefined);
    return res.statusCode;
  } finally {
    clearTimeout(timer);
    await agent.destroy().catch(() => undefined);
  }
}
