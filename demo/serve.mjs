#!/usr/bin/env node
// npm start: serves the repository (the demo at /demo/) with the headers a
// page needs for WebAssembly threads (cross-origin isolation:
// COOP same-origin + COEP require-corp). No dependencies.
//   node demo/serve.mjs [--port 8080] [--host 127.0.0.1] [--no-isolation] [--root DIR]
// --no-isolation leaves the headers out: the page then loads nnwasm's SIMD
// build on one thread and says why.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.wav': 'audio/wav',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

// Resolves a URL path inside root, or null if it would leave root.
function fileFor(root, urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath.split('?')[0]);
  } catch {
    return null;
  }
  const full = normalize(join(root, path));
  if (full !== root && !full.startsWith(root + sep)) return null;
  return full;
}

// -> Promise<{ server, url, close() }>; port 0 picks a free port.
export function startServer({ root = REPO_ROOT, port = 8080, host = '127.0.0.1', isolation = true, index = '/demo/' } = {}) {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const headers = { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' };
    if (isolation) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      headers['Cross-Origin-Resource-Policy'] = 'same-origin';
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    const urlPath = req.url.split('?')[0];
    if (urlPath === '/' && index !== '/') {
      res.writeHead(302, { ...headers, Location: index }).end();
      return;
    }
    let file = fileFor(base, urlPath);
    let stat = null;
    try {
      stat = file && statSync(file);
      if (stat?.isDirectory()) {
        if (!urlPath.endsWith('/')) {
          res.writeHead(301, { ...headers, Location: `${urlPath}/` }).end();
          return;
        }
        file = join(file, 'index.html');
        stat = statSync(file);
      }
    } catch {
      stat = null;
    }
    if (!stat?.isFile()) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end(`404 not found: ${urlPath}\n`);
      return;
    }
    headers['Content-Type'] = MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
    headers['Content-Length'] = stat.size;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const url = `http://${host}:${server.address().port}`;
      resolvePromise({
        server,
        url,
        close: () => new Promise((done) => {
          server.closeAllConnections?.();
          server.close(() => done());
        }),
      });
    });
  });
}

function parseArgs(argv) {
  const opts = { isolation: true, port: 8080, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--no-isolation') opts.isolation = false;
    else if (a === '--port') opts.port = Number(argv[++i]);
    else if (a === '--host') opts.host = argv[++i];
    else if (a === '--root') opts.root = resolve(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log('usage: node demo/serve.mjs [--port 8080] [--host 127.0.0.1] [--no-isolation] [--root DIR]');
      process.exit(0);
    } else {
      console.error(`serve: unknown argument ${a} (try --help)`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    console.error('serve: --port must be an integer in [0, 65535]');
    process.exit(2);
  }
  return opts;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = parseArgs(process.argv.slice(2));
  let url;
  try {
    ({ url } = await startServer(opts));
  } catch (e) {
    console.error(e.code === 'EADDRINUSE' ? `serve: port ${opts.port} is in use; try --port 0 (any free port) or another number`
      : `serve: ${e.message}`);
    process.exit(1);
  }
  console.log(`nnwasm demo: ${url}/demo/`);
  console.log(opts.isolation
    ? 'cross-origin isolated (COOP/COEP): the page can use the simd-threads build'
    : 'served without COOP/COEP (--no-isolation): the page will use the single-threaded simd build');
}
