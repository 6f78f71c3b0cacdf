import { readFileSync } from 'node:fs';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../context.js';

/** The page's own files only: no CDN, no inline script (users and CI machines may be offline). */
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const ASSETS = {
  '/docs': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/docs/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/docs/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
} as const;

// src/routes/ and dist/routes/ are both two levels below the package, where docs/ lives.
const DOCS_DIR = new URL('../../docs/', import.meta.url);

/** `/docs`: an interactive page rendering `/openapi.json`, served from this package. Public, like the document. */
export function registerDocsRoutes(app: OpenAPIHono<ApiEnv>): void {
  const cache = new Map<string, string>();
  for (const [path, asset] of Object.entries(ASSETS)) {
    app.get(path, (c) => {
      let text = cache.get(asset.file);
      if (text === undefined) {
        text = readFileSync(new URL(asset.file, DOCS_DIR), 'utf8');
        cache.set(asset.file, text);
      }
      c.header('Content-Type', asset.type);
      c.header('Content-Security-Policy', DOCS_CSP);
      return c.body(text, 200);
    });
  }
  app.get('/docs/', (c) => c.redirect('/docs', 301));
}
