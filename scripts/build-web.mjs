#!/usr/bin/env node
// Builds the dashboard: web/*.ts compiled by tsc (web/tsconfig.json) into
// dist/web, plus the static files (HTML, CSS) copied alongside.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'web');
const out = join(root, 'dist', 'web');
mkdirSync(out, { recursive: true });
execFileSync(
  process.execPath,
  [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(source, 'tsconfig.json')],
  {
    stdio: 'inherit',
  },
);
for (const name of readdirSync(source)) {
  if (/\.(html|css|svg|ico)$/.test(name)) copyFileSync(join(source, name), join(out, name));
}
