/**
 * The console (web/, built into dist/web by `npm run build`) and the self-hosted GraphiQL, served by
 * `kam serve` from the same origin as the API: no CDN, no external fonts, so it works on an isolated
 * intranet. The console only calls the public API (/graphql and the HTTP routes).
 *
 * - `/` and the console's own paths (`/accounts/12`, `/finance`…): index.html (client-side routes).
 *   Only for browser navigations (GET, accepting HTML) on paths that are not API routes, so API
 *   clients keep their JSON answers.
 * - `/graphiql`: GraphiQL; `GET /graphql` from a browser (no query) is redirected there.
 * - `/assets/*`: hashed, immutable bundles, compressed, cached for a year.
 *
 * HTML pages carry a content security policy of their own: scripts, styles and connections from this
 * origin only (Ant Design injects its generated CSS as <style> elements, hence 'unsafe-inline' for
 * styles only).
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import compression from 'compression';

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Path prefixes that belong to the API: never answered with the console's page. */
const API_PREFIXES = ['/graphql', '/healthz', '/imports/', '/templates/', '/reports/', '/exports/', '/assets/'];

/** dist/web of this checkout, found from the running file (compiled under dist/ or run from src/ by ts-jest). */
export function consoleDir(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'web');
}

function sendPage(res: Response, file: string): void {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('Cache-Control', 'no-cache');
  res.sendFile(file);
}

export function consoleRouter(dir = consoleDir()): Router {
  const router = Router();
  const index = path.join(dir, 'index.html');
  const graphiql = path.join(dir, 'graphiql.html');
  const built = () => fs.existsSync(index);

  router.use(
    '/assets',
    compression(),
    express.static(path.join(dir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: false,
      setHeaders: (res) => res.setHeader('Cache-Control', 'public, max-age=31536000, immutable'),
    }),
  );

  const notBuilt = (res: Response) =>
    res.status(503).type('text/plain; charset=utf-8').send('The KAM Hub console is not built: run "npm run build" (npm install does it).\nKAM Hub 控制台尚未构建：请运行 npm run build。\n');

  router.get('/graphiql', (_req, res) => (fs.existsSync(graphiql) ? sendPage(res, graphiql) : notBuilt(res)));

  // A browser opening /graphql (Apollo's landing page is disabled in every mode) gets GraphiQL instead.
  router.get('/graphql', (req, res, next) => {
    if (req.query.query === undefined && req.accepts(['json', 'html']) === 'html') res.redirect(302, '/graphiql');
    else next();
  });

  router.get(/.*/, (req: Request, res: Response, next) => {
    if (API_PREFIXES.some((p) => (p.endsWith('/') ? req.path.startsWith(p) : req.path === p || req.path.startsWith(`${p}/`)))) return next();
    if (path.extname(req.path) || req.accepts(['json', 'html']) !== 'html') return next();
    if (!built()) return notBuilt(res);
    sendPage(res, index);
  });

  return router;
}
