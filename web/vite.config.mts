/**
 * The console build: two pages (the console at `/`, GraphiQL at `/graphiql`), written to dist/web and
 * served by `kam serve`. Everything is bundled (no CDN, no web fonts); routes and heavy libraries
 * (ECharts, GraphiQL) are separate chunks loaded when a page needs them.
 */
import path from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  build: {
    outDir: path.resolve(root, '..', 'dist', 'web'),
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 1600,
    rollupOptions: {
      input: {
        console: path.resolve(root, 'index.html'),
        graphiql: path.resolve(root, 'graphiql.html'),
      },
      // Libraries marked "use client" for React Server Components: meaningless in a client bundle.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
});
