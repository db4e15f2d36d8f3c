// The web app's server: node's http on 127.0.0.1 serves the page (one HTML
// document with the bundled script and styles inlined) and a WebSocket
// (the `ws` package) at /ws. Each page that connects gets its own
// Controller: its own recorded run and live session, closed with the
// socket. Requests whose Host is not this loopback address (a DNS-rebinding
// page) are refused.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { pageHtml, uiAssets } from './assets.ts';
import { Controller, type ProgramSettings } from './controller.ts';
import type { Command, Reply } from './protocol.ts';

export interface WebServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** The largest message a page may send (a program's source is at most 1 MiB). */
const MAX_MESSAGE = 2 << 20;

function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host ?? '';
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

export async function startWebServer(initial: ProgramSettings, o: { port?: number } = {}): Promise<WebServer> {
  const assets = await uiAssets();
  const page = pageHtml(assets, { title: `gogo-emu: ${initial.file}` });
  const controllers = new Set<Controller>();
  let port = 0;
  const server = createServer((req, res) => {
    if (!hostAllowed(req, port)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden: use http://127.0.0.1\n');
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && (path === '/' || path === '/index.html')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').split('?')[0] !== '/ws' || !hostAllowed(req, port)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });
  const attach = (ws: WebSocket) => {
    const send = (r: Reply) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(r));
    };
    const c = new Controller(initial, send);
    controllers.add(c);
    c.handle({ cmd: 'load' });
    ws.on('message', (data) => {
      let cmd: Command;
      try {
        cmd = JSON.parse(String(data)) as Command;
      } catch {
        send({ type: 'error', message: 'a message that is not JSON' });
        return;
      }
      if (!cmd || typeof cmd.cmd !== 'string') {
        send({ type: 'error', message: 'a message without a command' });
        return;
      }
      c.handle(cmd);
    });
    ws.on('close', () => {
      controllers.delete(c);
      c.close();
    });
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    server,
    async close() {
      for (const c of controllers) c.close();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
