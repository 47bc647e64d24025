// keras.models.load_model in Chromium: a model built and saved by
// tfjs-layers in Node (float16 weights, sharded as the converter shards
// them) is fetched by URL with onProgress, and picked as File objects as an
// <input type=file> gives them; the page's predictions equal Node's
// nnwasm on the same artifacts, and saveModel('downloads://...') downloads a
// model.json + weights pair that loads back to the same predictions.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../demo/serve.mjs';
import { init, torch } from '../../js/index.js';
import { load_model } from '../../js/keras/models.js';
import { initTf } from '../js/keras_tfjs.js';
import { artifactsOf, converterFiles, mobileNetLike, randomizeWeights, seededInput, writeFolder } from '../js/io_fixtures.js';
import { assert, firstMismatch, watchedPage } from './harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const modelDir = join(root, 'tests', 'e2e', 'artifacts', 'io-model');

export async function run(suite, { context }) {
  await init();  // the build the earlier specs loaded (one module per process)
  await initTf();
  const { model, inputShape } = mobileNetLike();
  randomizeWeights(model, 17);
  const files = converterFiles(await artifactsOf(model), { encoding: 'float16' });
  rmSync(modelDir, { recursive: true, force: true });
  mkdirSync(modelDir, { recursive: true });
  writeFolder(files, modelDir);
  const shape = [2, ...inputShape];
  const xs = Array.from(seededInput(shape, 1));
  const nodeModel = await load_model(modelDir);
  const want = Array.from(nodeModel.predict(torch.tensor(Float32Array.from(xs), shape)).data);
  const fileNames = ['model.json', ...Object.keys(files.shards)];

  const server = await startServer({ port: 0, isolation: true });
  const { page, problems } = await watchedPage(context);
  try {
    await page.goto(`${server.url}/package.json`);
    await page.evaluate(async () => {
      const [{ init }, models] = await Promise.all([import('/js/index.js'), import('/js/keras/models.js')]);
      await init();
      window.io = models;
      window.nn = await import('/js/index.js');
    });
    const predict = (source) => page.evaluate(async ({ source, xs, shape, fileNames }) => {
      const { torch } = window.nn;
      let src = source;
      if (source === 'files') {
        // What <input type=file multiple> hands the page: File objects.
        src = await Promise.all(fileNames.map(async (n) => new File([await (await fetch(`/tests/e2e/artifacts/io-model/${n}`)).blob()], n)));
      }
      const progress = [];
      const m = await window.io.load_model(src, { onProgress: (f) => progress.push(f) });
      const y = m.predict(torch.tensor(Float32Array.from(xs), shape));
      return { data: Array.from(y.data), progress };
    }, { source, xs, shape, fileNames });

    await suite.test('io: load_model(URL) in Chromium with onProgress equals Node on the same artifacts', async () => {
      const r = await predict('/tests/e2e/artifacts/io-model/model.json');
      const bad = firstMismatch(r.data, want, 1e-5, 1e-6);
      assert(bad < 0, `output ${bad}: page ${r.data[bad]}, Node ${want[bad]}`);
      assert(r.progress.at(-1) === 1 && r.progress.length > 2, `onProgress reported ${JSON.stringify(r.progress)}`);
      assert(r.progress.every((f, i) => i === 0 || f > r.progress[i - 1]), `onProgress not increasing: ${JSON.stringify(r.progress)}`);
    });

    await suite.test('io: load_model(File objects) as an <input type=file> gives them', async () => {
      const r = await predict('files');
      const bad = firstMismatch(r.data, want, 1e-5, 1e-6);
      assert(bad < 0, `output ${bad}: page ${r.data[bad]}, Node ${want[bad]}`);
    });

    await suite.test("io: saveModel(model, 'downloads://mynet') downloads mynet.json + mynet.weights.bin, which load back", async () => {
      const downloads = [];
      const done = new Promise((resolve) => {
        page.on('download', async (d) => {
          downloads.push({ name: d.suggestedFilename(), path: await d.path() });
          if (downloads.length === 2) resolve();
        });
      });
      await page.evaluate(async () => {
        const m = await window.io.load_model('/tests/e2e/artifacts/io-model/model.json');
        await window.io.saveModel(m, 'downloads://mynet');
      });
      await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`downloads: ${JSON.stringify(downloads)}`)), 15000))]);
      const names = downloads.map((d) => d.name).sort();
      assert(names.join() === 'mynet.json,mynet.weights.bin', `downloaded ${names}`);
      const json = JSON.parse(readFileSync(downloads.find((d) => d.name === 'mynet.json').path, 'utf8'));
      assert(json.weightsManifest[0].paths[0] === 'mynet.weights.bin', `manifest paths ${JSON.stringify(json.weightsManifest[0].paths)}`);
      const bin = readFileSync(downloads.find((d) => d.name === 'mynet.weights.bin').path);
      const back = await load_model({ ...json, weightSpecs: json.weightsManifest[0].weights, weightData: new Uint8Array(bin) });
      const got = Array.from(back.predict(torch.tensor(Float32Array.from(xs), shape)).data);
      const bad = firstMismatch(got, want, 0, 0);
      assert(bad < 0, `output ${bad}: reloaded ${got[bad]}, Node ${want[bad]}`);
    });

    await suite.test('io: no console errors or failed requests (the browser\'s own favicon request aside)', async () => {
      // A 404 console line with no page response behind it is Chromium's
      // own /favicon.ico request (page requests are listed as 'HTTP 404: url').
      const pageMisses = problems.some((p) => p.startsWith('HTTP 404'));
      const real = problems.filter((p) => pageMisses || !p.includes('status of 404'));
      assert(real.length === 0, real.join('; '));
    });
  } finally {
    await page.close();
    await server.close();
  }
}
