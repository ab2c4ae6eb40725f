#!/usr/bin/env node
// Runs the TypeScript sources with no build step, so `npx switchboard <cmd>` and `npm start` just work.
// Fast path: esbuild (tsx's own compiler) bundles server/src into one cached ESM file, rebuilt whenever a source
// file changes. Loading through tsx's module hooks instead costs ~1.5 s per start: every module of every
// dependency takes a round trip to the hooks thread. SWITCHBOARD_TSX=1, or no usable esbuild, falls back to tsx.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'server/src');
const entry = path.join(src, 'main.ts');

/** Every source file's path, size and mtime: any edit changes the key. */
function sourceKey() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) {
        const s = statSync(p);
        hash.update(`${path.relative(src, p)}\0${s.size}\0${s.mtimeMs}\n`);
      }
    }
  };
  walk(src);
  return hash.digest('hex').slice(0, 16);
}

function loadEsbuild() {
  const fromRoot = createRequire(path.join(root, 'package.json'));
  try {
    return fromRoot('esbuild');
  } catch {
    return createRequire(fromRoot.resolve('tsx'))('esbuild');
  }
}

/** The cached bundle for the current sources, building it when missing; null when that is not possible. */
async function compiled() {
  if (process.env.SWITCHBOARD_TSX === '1') return null;
  const name = `main-${sourceKey()}.mjs`;
  const dirs = [
    path.join(root, 'node_modules/.cache/switchboard'),
    path.join(os.tmpdir(), `switchboard-${os.userInfo().uid}`),
  ];
  for (const dir of dirs) {
    try {
      statSync(path.join(dir, name));
      return path.join(dir, name);
    } catch {}
  }
  let result;
  try {
    result = await loadEsbuild().build({
      entryPoints: [entry],
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'linked',
      sourcesContent: false,
      write: false,
      outfile: path.join(dirs[0], name),
      logLevel: 'silent',
      plugins: [keepModuleUrls],
    });
  } catch {
    return null;
  }
  for (const dir of dirs) {
    try {
      mkdirSync(dir, { recursive: true });
      for (const f of result.outputFiles) {
        // Write-then-rename: several processes starting at once may build the same bundle.
        const target = path.join(dir, path.basename(f.path));
        const tmp = `${target}.${process.pid}.tmp`;
        const text = f.path.endsWith('.mjs')
          ? f.text.replace(/sourceMappingURL=.*$/m, `sourceMappingURL=${path.basename(target)}.map`)
          : f.text;
        writeFileSync(tmp, text);
        renameSync(tmp, target);
      }
      for (const old of readdirSync(dir)) {
        if (old.startsWith('main-') && !old.startsWith(name)) rmSync(path.join(dir, old), { force: true });
      }
      return path.join(dir, name);
    } catch {}
  }
  return null;
}

/** Each module keeps its own `import.meta.url` (migrations are found next to migrate.ts, not next to the bundle). */
const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const url = JSON.stringify(pathToFileURL(args.path).href);
      const contents = readFileSync(args.path, 'utf8')
        .replaceAll('import.meta.url', url)
        .replaceAll('import.meta.dirname', JSON.stringify(path.dirname(args.path)))
        .replaceAll('import.meta.filename', JSON.stringify(args.path));
      return { contents, loader: 'ts' };
    });
  },
};

const bundle = await compiled();
if (bundle) {
  // Stack traces then name the .ts files and lines.
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../server/src/main.ts');
}
