#!/usr/bin/env node
// npm run build: every WebAssembly build (CMake + Emscripten) into dist/,
// the CommonJS entry (esbuild) for require('nnwasm') and the ES module
// wrapper over it for import 'nnwasm' in Node.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'build', 'wasm');
const out = join(buildDir, 'out');
const dist = join(root, 'dist');
const BUILDS = ['simd-threads', 'simd', 'baseline'];

const env = { ...process.env, NODE_PATH: process.env.NODE_PATH || '/usr/share/nodejs' };
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, env, stdio: 'inherit' });

function need(cmd, pkg) {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
  } catch {
    console.error(`build: '${cmd}' not found. Run \`bash scripts/bootstrap.sh\` (it installs ${pkg}).`);
    process.exit(1);
  }
}
need('emcmake', 'emscripten');
need('cmake', 'cmake');

if (!existsSync(join(buildDir, 'CMakeCache.txt'))) {
  run('emcmake', ['cmake', '-S', root, '-B', buildDir, '-DCMAKE_BUILD_TYPE=Release']);
}
const targets = BUILDS.flatMap((b) => [`nnwasm_${b}_node`, `nnwasm_${b}_web`]);
run('cmake', ['--build', buildDir, '-j2', '--target', ...targets]);

mkdirSync(dist, { recursive: true });
for (const b of BUILDS) {
  const wasmNode = join(out, 'node', `nnwasm-${b}.wasm`);
  const wasmWeb = join(out, 'web', `nnwasm-${b}.wasm`);
  // Both glues load one .wasm, so the two links must have made the same bytes.
  if (!readFileSync(wasmNode).equals(readFileSync(wasmWeb))) {
    console.error(`build: the node and web links of ${b} produced different .wasm files`);
    process.exit(1);
  }
  copyFileSync(wasmNode, join(dist, `nnwasm-${b}.wasm`));
  copyFileSync(join(out, 'node', `nnwasm-${b}.cjs`), join(dist, `nnwasm-${b}.cjs`));
  // Bundlers (Vite, webpack) turn `new Worker(new URL(..., import.meta.url))`
  // into a bundled worker entry, and Vite refuses to bundle Emscripten's
  // worker (it code-splits). js/loader.js always passes locateFile, so that
  // branch never runs: route it through locateFile too.
  const webGlue = readFileSync(join(out, 'web', `nnwasm-${b}.mjs`), 'utf8')
    .replace(/new Worker\(new URL\(("[^"]+\.worker\.js"),import\.meta\.url\)\)/g, 'new Worker(locateFile($1))');
  writeFileSync(join(dist, `nnwasm-${b}.mjs`), webGlue);
  if (b.endsWith('threads')) {
    // Node's worker must be CommonJS in this "type": "module" package.
    copyFileSync(join(out, 'node', `nnwasm-${b}.worker.js`), join(dist, `nnwasm-${b}.node-worker.cjs`));
    copyFileSync(join(out, 'web', `nnwasm-${b}.worker.js`), join(dist, `nnwasm-${b}.worker.js`));
  }
}

// require('nnwasm'): the ES modules bundled into one CommonJS file. Browser
// glue stays external (never loaded in Node); import.meta.url maps to the
// bundle's own file URL so '../dist/' resolves next to it.
const esbuild = join(root, 'node_modules', '.bin', 'esbuild');
run(esbuild, [
  join(root, 'js', 'index.js'), '--bundle', '--platform=node', '--format=cjs', '--target=node18',
  `--outfile=${join(dist, 'nnwasm.cjs')}`, '--external:*.mjs', '--log-level=warning',
  '--define:import.meta.url=__nnwasmModuleUrl',
  '--banner:js=const __nnwasmModuleUrl = require("node:url").pathToFileURL(__filename).href;',
]);
// import 'nnwasm' in Node: a thin ES module over that same CommonJS file, so
// an import and a require() in one process share one module instance (one
// init, one heap, one Tensor class). Browsers and bundlers use js/index.js.
const cjsExports = createRequire(import.meta.url)(join(dist, 'nnwasm.cjs'));
const names = Object.keys(cjsExports).filter((n) => n !== 'default' && n !== '__esModule');
writeFileSync(join(dist, 'nnwasm.node.mjs'), [
  "// import 'nnwasm' in Node: the CommonJS build's one instance (written by scripts/build.mjs).",
  "import nnwasm from './nnwasm.cjs';",
  '',
  `export const { ${names.join(', ')} } = nnwasm;`,
  'export default nnwasm.default;',
  '',
].join('\n'));
writeFileSync(join(dist, 'BUILD_INFO.json'), JSON.stringify({ builds: BUILDS, emcc: execFileSync('emcc', ['--version'], { env }).toString().split('\n')[0] }, null, 2) + '\n');
console.log(`build: ${BUILDS.join(', ')} -> dist/`);
