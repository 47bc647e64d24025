// The npm package as users get it: `npm pack` holds exactly the built .wasm
// files, JS, types, README and LICENSE; installed into a fresh project it
// works from Node ESM, Node CommonJS, TypeScript, a plain page, and pages
// built by Vite (build and dev server) and webpack 5 in Chromium, with no
// configuration (the .wasm, glue and worker are found), also from inside a
// module Web Worker of a Vite- or webpack-built page.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { gzipSync } from 'node:zlib';
import { startServer } from '../../demo/serve.mjs';
import { assert, watchedPage } from '../e2e/harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const artifacts = join(root, 'tests', 'e2e', 'artifacts');
const BUILDS = ['simd-threads', 'simd', 'baseline'];
const WASM_GZIP_LIMIT = 200 * 1024;

// What the tarball must hold, and the only shapes of names it may hold.
const REQUIRED = [
  'package.json', 'README.md', 'LICENSE', 'docs/API.md', 'js/index.js', 'js/index.d.ts', 'js/loader.js',
  'dist/nnwasm.cjs', 'dist/nnwasm.node.mjs',
  'dist/nnwasm-simd-threads.worker.js', 'dist/nnwasm-simd-threads.node-worker.cjs',
  ...BUILDS.flatMap((b) => [`dist/nnwasm-${b}.wasm`, `dist/nnwasm-${b}.cjs`, `dist/nnwasm-${b}.mjs`]),
];
const ALLOWED = [/^package\.json$/, /^README\.md$/, /^LICENSE$/, /^docs\/API\.md$/, /^js\/(.+\/)?[^/]+\.js$/, /^js\/index\.d\.ts$/,
  /^dist\/[^/]+\.(wasm|cjs|mjs|worker\.js)$/];

const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

const ESM = `import { createRequire } from 'node:module';
import { init, torch, keras, backend } from 'nnwasm';
const info = await init({ threads: 2 });
const y = torch.nn.functional.adaptive_avg_pool1d(torch.tensor([[[1, 2, 3, 4]]]), 2);
const model = new keras.Sequential([new keras.layers.GlobalAveragePooling1D({ input_shape: [2, 2] })]);
const z = model.predict([[[1, 2], [3, 4]]]);
// require() in the same process is the same instance: a tensor from import, an op from require.
const cjs = createRequire(import.meta.url)('nnwasm');
const mixed = cjs.torch.nn.functional.avg_pool1d(torch.tensor([[[1, 2, 3, 4]]]), 2).tolist();
console.log(JSON.stringify({ build: info.build, threads: backend().threads, y: y.tolist(), z: z.tolist(),
  same: cjs.torch === torch && cjs.backend().build === info.build, mixed }));
`;

const CJS = `const { init, torch, keras } = require('nnwasm');
init({ threads: 1 }).then((info) => {
  const y = torch.nn.functional.adaptive_avg_pool1d(torch.tensor([[[1, 2, 3, 4]]]), 2);
  const z = new keras.layers.GlobalAveragePooling1D().apply([[[1, 2], [3, 4]]]);
  console.log(JSON.stringify({ build: info.build, y: y.tolist(), z: z.tolist(), same: require('nnwasm').keras === keras }));
});
`;

const webpackWarnings = (log) => log.match(/^WARNING in .*$/gm) ?? [];
const allowedWebpackWarning = (w) => w === 'WARNING in configuration' ||
  /^WARNING in (asset size limit|entrypoint size limit|webpack performance recommendations):/.test(w);

const TS = `import { init, torch, keras, backend, Tensor, type BackendInfo } from 'nnwasm';
const info: BackendInfo = await init({ threads: 'auto' });
const x: Tensor = torch.randn(2, 3, 8);
const y: Tensor = torch.nn.functional.adaptive_avg_pool1d(x, 4);
const gap = new keras.layers.GlobalAveragePooling1D({ keepdims: true, data_format: 'channels_last' });
const z: Tensor = gap.apply(x);
const shape: number[] = y.shape;
const values: Float32Array = z.data;
// @ts-expect-error: threads is 'auto' or a number
await init({ threads: 'many' });
console.log(info.build, backend().threads, shape, values.length);
x.dispose();
// modules carry their parameters as attributes, as in PyTorch
const net = new torch.nn.Sequential(new torch.nn.Conv2d(1, 2, 3), new torch.nn.ReLU());
const kernel: Tensor = net[0].weight;
console.log(kernel.shape);
`;

const TSCONFIG = JSON.stringify({
  compilerOptions: {
    target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true,
    lib: ['es2022', 'dom'], types: [], skipLibCheck: false,
  },
  files: ['index.ts'],
}, null, 2);

// The README's plain-page form: an import map to the installed package.
const PLAIN_HTML = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>nnwasm, plain page</title>
<script type="importmap">{ "imports": { "nnwasm": "/node_modules/nnwasm/js/index.js" } }</script></head>
<body><pre id="out">loading</pre><script type="module" src="./site/main.js"></script></body></html>
`;

const VITE_HTML = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>nnwasm in Vite</title></head>
<body><pre id="out">loading</pre><script type="module" src="./main.js"></script></body></html>
`;
const VITE_MAIN = `import { init, torch, keras } from 'nnwasm';
const out = document.getElementById('out');
try {
  const info = await init();
  const y = torch.nn.functional.adaptive_avg_pool1d(torch.tensor([[[1, 2, 3, 4]]]), 2);
  const z = new keras.layers.GlobalAveragePooling1D().apply([[[1, 2], [3, 4]]]);
  out.textContent = JSON.stringify({ build: info.build, threads: info.threads, y: y.tolist(), z: z.tolist() });
} catch (e) {
  out.textContent = 'error: ' + e.message;
  throw e;
}
`;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Opens url, waits for #out, checks the result; returns the parsed output.
async function checkAppPage(context, url, wantBuild) {
  const { page, problems } = await watchedPage(context);
  try {
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById('out').textContent !== 'loading', null, { timeout: 30000 });
    const text = await page.textContent('#out');
    assert(!text.startsWith('error'), text);
    const r = JSON.parse(text);
    assert(r.build === wantBuild, `build ${r.build}`);
    assert(wantBuild === 'simd-threads' ? r.threads >= 2 : r.threads === 1, `${r.threads} threads`);
    assert(JSON.stringify(r.y) === '[[[1.5,3.5]]]' && JSON.stringify(r.z) === '[[2,3]]', text);
    assert(problems.length === 0, `problems:\n${problems.join('\n')}`);
    return r;
  } finally {
    await page.close();
  }
}

// webpack 5 with no config: its default entry (src/index.js) and output
// (dist/main.js, a classic script); the page is the user's own HTML.
const WEBPACK_HTML = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>nnwasm in webpack</title></head>
<body><pre id="out">loading</pre><script src="./main.js"></script></body></html>
`;

// The README's Web Worker form: nnwasm imported in a module worker, which a
// bundler follows from new Worker(new URL(...), { type: 'module' }).
const WORKER_JS = `import { init, torch, keras } from 'nnwasm';
self.onmessage = async () => {
  try {
    const info = await init();
    const y = torch.nn.functional.adaptive_avg_pool1d(torch.tensor([[[1, 2, 3, 4]]]), 2);
    const z = new keras.layers.GlobalAveragePooling1D().apply([[[1, 2], [3, 4]]]);
    self.postMessage(JSON.stringify({ build: info.build, threads: info.threads, y: y.tolist(), z: z.tolist() }));
  } catch (e) {
    self.postMessage('error: ' + e.message);
  }
};
`;
const WORKER_MAIN = `const out = document.getElementById('out');
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
worker.onmessage = ({ data }) => { out.textContent = data; };
worker.onerror = (e) => { out.textContent = 'error: the worker failed (' + (e.message || 'no message') + ')'; };
worker.postMessage('go');
`;
// Vite bundles workers as IIFE by default, which cannot hold nnwasm's
// dynamic imports (one per build): a module worker needs format 'es'.
const VITE_WORKER_CONFIG = `export default { worker: { format: 'es' } };
`;

const VITE_HEADERS_CONFIG = `const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
export default { server: { headers }, preview: { headers } };
`;

export async function run(suite, { context }) {
  console.log('npm package:');
  const work = mkdtempSync(join(tmpdir(), 'nnwasm-package-'));
  const sizes = {};
  try {
    let tarball = null;
    await suite.test('npm pack holds exactly the built .wasm, JS, types, README and LICENSE', async () => {
      const packed = JSON.parse(sh('npm', ['pack', '--json', '--silent', '--pack-destination', work], root));
      tarball = join(work, packed[0].filename);
      const unpack = join(work, 'unpacked');
      mkdirSync(unpack);
      sh('tar', ['xzf', tarball, '-C', unpack], root);
      const files = walk(join(unpack, 'package')).map((f) => relative(join(unpack, 'package'), f));
      const extra = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
      const missing = REQUIRED.filter((f) => !files.includes(f));
      assert(extra.length === 0, `unexpected files in the tarball: ${extra.join(', ')}`);
      assert(missing.length === 0, `missing from the tarball: ${missing.join(', ')}`);
      sizes.tarball = statSync(tarball).size;
      sizes.files = files.length;
    });
    if (!tarball) return;

    await suite.test('every .wasm is under 200 KB gzipped', async () => {
      sizes.wasm = {};
      for (const b of BUILDS) {
        const bytes = readFileSync(join(work, 'unpacked', 'package', 'dist', `nnwasm-${b}.wasm`));
        const gz = gzipSync(bytes, { level: 9 }).length;
        sizes.wasm[b] = { bytes: bytes.length, gzip: gz };
        assert(gz < WASM_GZIP_LIMIT, `nnwasm-${b}.wasm is ${gz} bytes gzipped`);
      }
      console.log(`      ${BUILDS.map((b) => `${b}: ${(sizes.wasm[b].bytes / 1024).toFixed(1)} KB, ${(sizes.wasm[b].gzip / 1024).toFixed(1)} KB gzipped`).join('; ')}`);
    });

    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'nnwasm-consumer', private: true, type: 'module' }, null, 2));
    await suite.test('the tarball installs into a fresh project (npm install <tarball>)', async () => {
      sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], app);
      const installed = join(app, 'node_modules', 'nnwasm');
      sizes.install = walk(installed).reduce((n, f) => n + statSync(f).size, 0);
      console.log(`      tarball ${(sizes.tarball / 1024).toFixed(1)} KB, installed ${(sizes.install / 1024).toFixed(1)} KB in ${sizes.files} files`);
    });

    await suite.test('Node ESM: import from nnwasm (simd-threads, 2 threads), and require() in the same process is the same instance', async () => {
      writeFileSync(join(app, 'esm.mjs'), ESM);
      const r = JSON.parse(sh('node', ['esm.mjs'], app));
      assert(r.build === 'simd-threads' && r.threads === 2, `build ${r.build}, ${r.threads} threads`);
      assert(JSON.stringify(r.y) === '[[[1.5,3.5]]]' && JSON.stringify(r.z) === '[[2,3]]', JSON.stringify(r));
      assert(r.same && JSON.stringify(r.mixed) === '[[[1.5,3.5]]]', `import and require are not one instance: ${JSON.stringify(r)}`);
    });

    await suite.test('Node CommonJS: require(nnwasm)', async () => {
      writeFileSync(join(app, 'cjs.cjs'), CJS);
      const r = JSON.parse(sh('node', ['cjs.cjs'], app));
      assert(r.build === 'simd' && r.same, JSON.stringify(r));
      assert(JSON.stringify(r.y) === '[[[1.5,3.5]]]' && JSON.stringify(r.z) === '[[2,3]]', JSON.stringify(r));
    });

    await suite.test('TypeScript: tsc --noEmit on a file using the API finds the shipped types', async () => {
      writeFileSync(join(app, 'index.ts'), TS);
      writeFileSync(join(app, 'tsconfig.json'), TSCONFIG);
      try {
        sh('node', [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], app);
      } catch (e) {
        throw new Error(`tsc failed:\n${e.stdout}${e.stderr}`);
      }
    });

    const site = join(app, 'site');
    mkdirSync(site);
    await suite.test('Vite: vite build of a page importing nnwasm, with no config', async () => {
      writeFileSync(join(site, 'index.html'), VITE_HTML);
      writeFileSync(join(site, 'main.js'), VITE_MAIN);
      try {
        sh('node', [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], site);
      } catch (e) {
        throw new Error(`vite build failed:\n${e.stdout}${e.stderr}`);
      }
      const assets = readdirSync(join(site, 'dist', 'assets'));
      assert(assets.some((f) => /^nnwasm-simd-threads.*\.wasm$/.test(f)) && assets.some((f) => /^nnwasm-simd-.*\.wasm$/.test(f)),
        `the .wasm files were not emitted: ${assets.join(', ')}`);
    });

    const webpackApp = join(app, 'webpack-app');
    await suite.test('webpack 5: webpack of src/index.js importing nnwasm, with no config', async () => {
      mkdirSync(join(webpackApp, 'src'), { recursive: true });
      writeFileSync(join(webpackApp, 'src', 'index.js'), VITE_MAIN);
      let log;
      try {
        // `npx webpack` as a new user runs it: no arguments, no webpack.config.js.
        log = sh('node', [join(root, 'node_modules', 'webpack-cli', 'bin', 'cli.js')], webpackApp);
      } catch (e) {
        throw new Error(`webpack failed:\n${e.stdout}${e.stderr}`);
      }
      assert(!/\bERROR\b/.test(log), `webpack reported errors:\n${log}`);
      // Only the "mode option has not been set" warning of a config-less run
      // and webpack's size hints (any asset over 250,000 bytes; the .wasm
      // sizes are held by the gzip test above); nothing of nnwasm's (e.g.
      // "Critical dependency" from a dynamic import).
      assert(webpackWarnings(log).every(allowedWebpackWarning), `webpack warned:\n${log}`);
      const out = readdirSync(join(webpackApp, 'dist'));
      for (const b of ['simd-threads', 'simd']) {
        assert(out.some((f) => f.endsWith('.wasm') && readFileSync(join(webpackApp, 'dist', f)).equals(
          readFileSync(join(app, 'node_modules', 'nnwasm', 'dist', `nnwasm-${b}.wasm`)))), `nnwasm-${b}.wasm was not emitted: ${out.join(', ')}`);
      }
      writeFileSync(join(webpackApp, 'dist', 'index.html'), WEBPACK_HTML);
    });

    for (const isolation of [true, false]) {
      const want = isolation ? 'simd-threads' : 'simd';
      await suite.test(`webpack-built page in Chromium, ${isolation ? 'isolated' : 'not isolated'}: loads ${want} and computes`, async () => {
        const server = await startServer({ root: join(webpackApp, 'dist'), port: 0, isolation, index: '/' });
        try {
          await checkAppPage(context, `${server.url}/`, want);
        } finally {
          await server.close();
        }
      });
    }

    // esbuild copies no `new URL(..., import.meta.url)` assets: the README
    // says to copy nnwasm's dist files and pass init({ wasmDir }).
    const esbuildApp = join(app, 'esbuild-app');
    await suite.test('esbuild: bundle with the dist files copied beside it and init({ wasmDir })', async () => {
      mkdirSync(join(esbuildApp, 'src'), { recursive: true });
      mkdirSync(join(esbuildApp, 'dist', 'nnwasm'), { recursive: true });
      writeFileSync(join(esbuildApp, 'src', 'index.js'), VITE_MAIN.replace('await init()', "await init({ wasmDir: '/nnwasm/' })"));
      try {
        sh(join(root, 'node_modules', '.bin', 'esbuild'), ['--bundle', '--format=esm', '--log-level=warning', 'src/index.js', '--outfile=dist/main.js'], esbuildApp);
      } catch (e) {
        throw new Error(`esbuild failed:\n${e.stdout}${e.stderr}`);
      }
      const from = join(app, 'node_modules', 'nnwasm', 'dist');
      for (const f of readdirSync(from).filter((n) => /\.(wasm|mjs|worker\.js)$/.test(n))) {
        writeFileSync(join(esbuildApp, 'dist', 'nnwasm', f), readFileSync(join(from, f)));
      }
      writeFileSync(join(esbuildApp, 'dist', 'index.html'), VITE_HTML);
    });
    for (const isolation of [true, false]) {
      const want = isolation ? 'simd-threads' : 'simd';
      await suite.test(`esbuild-built page with wasmDir in Chromium, ${isolation ? 'isolated' : 'not isolated'}: loads ${want} and computes`, async () => {
        const server = await startServer({ root: join(esbuildApp, 'dist'), port: 0, isolation, index: '/' });
        try {
          await checkAppPage(context, `${server.url}/`, want);
        } finally {
          await server.close();
        }
      });
    }

    // nnwasm inside a module Web Worker of a bundled page: the bundler
    // follows the worker, and the worker finds the .wasm, glue and threads.
    const viteWorker = join(app, 'vite-worker');
    const webpackWorker = join(app, 'webpack-worker');
    await suite.test("Web Worker: vite build of a page whose module worker imports nnwasm (vite.config.js: worker.format 'es')", async () => {
      mkdirSync(viteWorker);
      writeFileSync(join(viteWorker, 'index.html'), VITE_HTML);
      writeFileSync(join(viteWorker, 'main.js'), WORKER_MAIN);
      writeFileSync(join(viteWorker, 'worker.js'), WORKER_JS);
      writeFileSync(join(viteWorker, 'vite.config.js'), VITE_WORKER_CONFIG);
      try {
        sh('node', [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], viteWorker);
      } catch (e) {
        throw new Error(`vite build failed:\n${e.stdout}${e.stderr}`);
      }
    });
    await suite.test('Web Worker: webpack of a page whose module worker imports nnwasm, with no config', async () => {
      mkdirSync(join(webpackWorker, 'src'), { recursive: true });
      writeFileSync(join(webpackWorker, 'src', 'index.js'), WORKER_MAIN);
      writeFileSync(join(webpackWorker, 'src', 'worker.js'), WORKER_JS);
      let log;
      try {
        log = sh('node', [join(root, 'node_modules', 'webpack-cli', 'bin', 'cli.js')], webpackWorker);
      } catch (e) {
        throw new Error(`webpack failed:\n${e.stdout}${e.stderr}`);
      }
      assert(webpackWarnings(log).every(allowedWebpackWarning), `webpack warned:\n${log}`);
      writeFileSync(join(webpackWorker, 'dist', 'index.html'), WEBPACK_HTML);
    });
    for (const [bundler, dist] of [['Vite', join(viteWorker, 'dist')], ['webpack', join(webpackWorker, 'dist')]]) {
      for (const isolation of [true, false]) {
        const want = isolation ? 'simd-threads' : 'simd';
        await suite.test(`Web Worker in a ${bundler}-built page, ${isolation ? 'isolated' : 'not isolated'}: the worker loads ${want} and computes`, async () => {
          const server = await startServer({ root: dist, port: 0, isolation, index: '/' });
          try {
            await checkAppPage(context, `${server.url}/`, want);
          } finally {
            await server.close();
          }
        });
      }
    }

    await suite.test('plain page (import map to node_modules/nnwasm, no bundler), isolated: loads simd-threads and computes', async () => {
      writeFileSync(join(app, 'plain.html'), PLAIN_HTML);
      const server = await startServer({ root: app, port: 0, isolation: true, index: '/' });
      try {
        await checkAppPage(context, `${server.url}/plain.html`, 'simd-threads');
      } finally {
        await server.close();
      }
    });

    for (const isolation of [true, false]) {
      const want = isolation ? 'simd-threads' : 'simd';
      await suite.test(`Vite-built page in Chromium, ${isolation ? 'isolated' : 'not isolated'}: loads ${want} and computes`, async () => {
        const server = await startServer({ root: join(site, 'dist'), port: 0, isolation, index: '/' });
        try {
          await checkAppPage(context, `${server.url}/`, want);
        } finally {
          await server.close();
        }
      });
    }

    // Vite's dev server pre-bundles dependencies (import.meta.url moves) and
    // rewrites the scripts it serves; the loader finds the package's files
    // anyway. With no config (no COOP/COEP): simd; with the two headers in
    // vite.config.js, as the README shows: simd-threads.
    for (const isolation of [false, true]) {
      const want = isolation ? 'simd-threads' : 'simd';
      const how = isolation ? 'with the COOP/COEP headers in vite.config.js' : 'no config';
      await suite.test(`Vite dev server (${how}): the page loads ${want} and computes`, async () => {
        if (isolation) writeFileSync(join(site, 'vite.config.js'), VITE_HEADERS_CONFIG);
        const port = await freePort();
        const vite = spawn(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), '--port', String(port),
          '--strictPort', '--host', '127.0.0.1', '--logLevel', 'info'],
          { cwd: site, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
        let log = '';
        try {
          await new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`vite dev did not start:\n${log}`)), 30000);
            const onData = (d) => {
              // Colour codes split "Local" from its colon when the caller's
              // environment forces colour (CI does), so match plain text.
              log += String(d).replace(/\x1b\[[0-9;]*m/g, '');
              if (/Local:\s+http/.test(log)) {
                clearTimeout(timer);
                resolve();
              }
            };
            vite.stdout.on('data', onData);
            vite.stderr.on('data', onData);
            vite.once('exit', (code) => reject(new Error(`vite dev exited (${code}):\n${log}`)));
          });
          await checkAppPage(context, `http://127.0.0.1:${port}/`, want);
        } finally {
          vite.kill();
        }
      });
    }
  } finally {
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(join(artifacts, 'package-sizes.json'), JSON.stringify(sizes, null, 2));
    rmSync(work, { recursive: true, force: true });
  }
}
