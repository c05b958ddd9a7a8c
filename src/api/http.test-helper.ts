/** Raw HTTP for the malformed-request tests, where the typed client would refuse to go. */
export async function post(
  baseUrl: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string | Uint8Array | FormData | ReadableStream<Uint8Array> } = {},
): Promise<{ status: number; body: { code: number; message: string; data: Record<string, unknown> }; headers: Headers }> {
  const res = await fetch(new URL(path, baseUrl), {
    method: 'POST',
    headers: init.headers,
    body: init.body,
    ...(init.body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${res.status} without a JSON envelope: ${text.slice(0, 300)}`);
  }
  return { status: res.status, body, headers: res.headers };
}
