import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding cvdesk's package.json, whether running from src/ (tests) or dist/ (built). */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the cvdesk package root');
    dir = parent;
  }
  return dir;
}

/** The built web app (`npm run build:web`). */
export function webDistDir(): string {
  return path.join(projectRoot(), 'dist', 'web');
}

export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
