import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Services } from '../services';
import type { Logger } from '../common/logger';
import { createApp } from './app';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the HTTP server; `close()` stops accepting, drains requests and stops Apollo. */
export async function startServer(services: Services, logger: Logger, port: number, host: string): Promise<RunningServer> {
  const { app, apollo } = await createApp(services, logger);
  const server = http.createServer(app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${actual}/graphql`,
    port: actual,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 10_000).unref();
        });
        await apollo.stop();
      })();
      return closing;
    },
  };
}
