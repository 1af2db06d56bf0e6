/**
 * The analyst dashboard: the static files `npm run build` puts in dist/web
 * (web/*, scripts/build-web.mjs), served at `/`. A fixed allow-list of files,
 * read once at registration; when the dashboard was not built, `/` says so.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface WebRouteOptions {
  /** Directory of the built dashboard (default: dist/web of this package). */
  dir?: string;
}

/** dist/web whether running compiled (dist/src/api/routes) or from source (src/api/routes). */
function defaultDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const compiled = resolve(here, '../../../web');
  return existsSync(join(compiled, 'app.js')) ? compiled : resolve(here, '../../../dist/web');
}

export const webRoutes: FastifyPluginAsync<WebRouteOptions> = async (app, options) => {
  const dir = options.dir ?? defaultDir();
  const files = new Map<string, { body: Buffer; type: string }>();
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (type) files.set(name, { body: readFileSync(join(dir, name)), type });
    }
  }
  const send = (name: string) => {
    return async (_request: unknown, reply: import('fastify').FastifyReply) => {
      const file = files.get(name);
      if (!file) {
        return reply
          .code(404)
          .type('text/plain; charset=utf-8')
          .send('dashboard not built: run `npm run build`\n');
      }
      return reply.type(file.type).header('cache-control', 'no-cache').send(file.body);
    };
  };
  app.get('/', send('index.html'));
  for (const name of files.keys()) if (name !== 'index.html') app.get(`/${name}`, send(name));
};
