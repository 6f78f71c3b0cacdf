import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';

export interface PackedPackage {
  /** The manifest inside the tarball (workspace: ranges already rewritten by `pnpm pack`). */
  manifest: { name: string; version: string } & Record<string, unknown>;
  tarball: string;
}

export interface ScopedRegistry {
  /** For `npm --@rootwarden:registry=URL`: only that scope is asked here, everything else goes to npm. */
  url: string;
  /** Package names whose metadata npm asked for. */
  requested: Set<string>;
  close(): Promise<void>;
}

/**
 * The npm registry as it will answer once the @rootwarden packages are published, for those packages
 * only: a packument per name (the documented "abbreviated metadata" shape, enough for npm to resolve
 * and verify) and the tarball. Lets the test install exactly what `pnpm -r publish` would publish.
 * https://github.com/npm/registry/blob/main/docs/responses/package-metadata.md
 */
export async function serveScopedRegistry(packages: readonly PackedPackage[]): Promise<ScopedRegistry> {
  const requested = new Set<string>();
  const byName = new Map(packages.map((pkg) => [pkg.manifest.name, pkg]));
  const byFile = new Map(packages.map((pkg) => [basename(pkg.tarball), pkg]));
  let base = '';

  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname).slice(1);
    const file = path.startsWith('-/') ? byFile.get(path.slice(2)) : undefined;
    if (file) {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(readFileSync(file.tarball));
      return;
    }
    const pkg = byName.get(path);
    if (!pkg) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":"not found"}');
      return;
    }
    requested.add(pkg.manifest.name);
    const bytes = readFileSync(pkg.tarball);
    const { version } = pkg.manifest;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        name: pkg.manifest.name,
        'dist-tags': { latest: version },
        versions: {
          [version]: {
            ...pkg.manifest,
            dist: {
              tarball: `${base}/-/${encodeURIComponent(basename(pkg.tarball))}`,
              integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
              shasum: createHash('sha1').update(bytes).digest('hex'),
            },
          },
        },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/`,
    requested,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
