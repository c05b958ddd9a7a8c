import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  body: string;
  signature: string | undefined;
}

/**
 * TEST DOUBLE of an app's backend: takes callback POSTs (answering the scripted statuses in
 * turn, then 200) and the browser's return to the app (GET, the redirect).
 */
export class AppBackend {
  readonly deliveries: Delivery[] = [];
  /** Every URL a browser was sent back to. */
  readonly returns: URL[] = [];
  statuses: number[] = [];
  private server!: Server;
  base = '';

  get callbackUrl(): string {
    return `${this.base}/livecheck-callback`;
  }

  returnUrl(query = ''): string {
    return `${this.base}/back${query}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      if (req.method === 'GET') {
        const url = new URL(req.url ?? '/', this.base);
        if (url.pathname === '/back') this.returns.push(url);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>app</title><p>Back in the app.</p>');
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.deliveries.push({ body: Buffer.concat(chunks).toString('utf8'), signature: req.headers['x-livecheck-signature'] as string | undefined });
        res.writeHead(this.statuses.shift() ?? 200).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async waitForDeliveries(n: number, ms = 5000): Promise<Delivery[]> {
    const until = Date.now() + ms;
    while (this.deliveries.length < n) {
      if (Date.now() > until) throw new Error(`expected ${n} callback deliveries, got ${this.deliveries.length}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.deliveries;
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}
