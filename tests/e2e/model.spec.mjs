// The demo's trained-model panel in Chromium (isolated, as `npm start`
// serves it): the shipped shapes model (demo/model/) loads with nnwasm and
// TensorFlow.js, a picture drawn by the training generator
// (demo/model/shapes.js) is classified as its class, both libraries'
// probabilities agree, the feature maps are drawn, a line drawn with the
// mouse is classified as a line, and a model.json + shard
// given through the file chooser loads and runs (a shard left out gives an
// error shown in the page).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../demo/serve.mjs';
import { CLASSES, drawShape, rng } from '../../demo/model/shapes.js';
import { assert, watchedPage } from './harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const modelDir = join(root, 'demo', 'model');

export async function run(suite, { context }) {
  console.log('demo page, trained model panel:');
  const server = await startServer({ port: 0, isolation: true });
  const { page, problems } = await watchedPage(context);
  try {
    await page.goto(`${server.url}/demo/`);
    await suite.test('the shipped model loads in both libraries and classifies the first example', async () => {
      await page.waitForFunction(() => window.nnwasmDemo?.shapes?.ready || window.nnwasmDemo?.shapes?.error || window.nnwasmDemo?.error,
        null, { timeout: 90000 });
      const s = await page.evaluate(() => ({ ready: window.nnwasmDemo.shapes.ready, error: window.nnwasmDemo.shapes.error,
        pageError: window.nnwasmDemo.error, classes: window.nnwasmDemo.shapes.classes, count: window.nnwasmDemo.shapes.count }));
      assert(s.ready, `the model panel failed: ${s.error ?? s.pageError}`);
      assert(JSON.stringify(s.classes) === JSON.stringify(CLASSES), `classes ${s.classes}`);
      assert(s.count === 1, `${s.count} classifications at start`);
      assert(problems.length === 0, `problems:\n${problems.join('\n')}`);
    });

    // One picture per class from the generator's own drawing code.
    for (const [c, name] of CLASSES.entries()) {
      await suite.test(`a generated ${name} is classified as ${name}; nnwasm and TensorFlow.js agree within 1e-4`, async () => {
        const r = rng(90210 + c);
        const pixels = Array.from(drawShape(c, r));
        const got = await page.evaluate((d) => window.nnwasmDemo.shapes.drawPixels(Float32Array.from(d)), pixels);
        assert(got, 'no result');
        assert(got.label === name, `classified as ${got.label}: ${got.probs.map((p, i) => `${CLASSES[i]} ${p.toFixed(3)}`).join(', ')}`);
        const diff = Math.max(...got.probs.map((p, i) => Math.abs(p - got.tfjsProbs[i])));
        assert(diff <= 1e-4 && got.maxDiff <= 1e-4, `nnwasm and tfjs differ by ${diff} (page says ${got.maxDiff})`);
        const sum = got.probs.reduce((a, b) => a + b, 0);
        assert(Math.abs(sum - 1) < 1e-4, `probabilities sum to ${sum}`);
        // The page read back what was drawn (8-bit canvas rounding only).
        const worst = Math.max(...pixels.map((v, i) => Math.abs(v - got.input[i])));
        assert(worst <= 1 / 255 + 1e-6, `the canvas changed the picture by ${worst}`);
        assert(got.nnwasmMs > 0 && got.tfjsMs > 0, `timings ${got.nnwasmMs}, ${got.tfjsMs}`);
      });
    }

    await suite.test('the feature maps are drawn (8 maps of 28x28, not blank) with timings shown', async () => {
      const maps = await page.evaluate(() => [...document.querySelectorAll('#feature-maps canvas')].map((c) => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const values = new Set();
        for (let i = 0; i < d.length; i += 4) values.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        return { w: c.width, h: c.height, colours: values.size };
      }));
      assert(maps.length === 8, `${maps.length} feature maps`);
      assert(maps.every((m) => m.w === 28 && m.h === 28), `sizes ${maps.map((m) => `${m.w}x${m.h}`)}`);
      assert(maps.filter((m) => m.colours > 4).length >= 4, `most maps are flat: ${maps.map((m) => m.colours)}`);
      const timing = await page.textContent('#model-timing');
      assert(/nnwasm [\d.]+ ms, TensorFlow\.js wasm [\d.]+ ms/.test(timing), `timing text: ${timing}`);
      console.log(`      ${timing}`);
    });

    await suite.test('a line drawn with the mouse on the canvas is classified as line', async () => {
      await page.click('#draw-clear');
      const box = await page.locator('#draw').boundingBox();
      const before = await page.evaluate(() => window.nnwasmDemo.shapes.count);
      await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.3);
      await page.mouse.down();
      for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + box.width * (0.2 + 0.05 * i), box.y + box.height * (0.3 + 0.033 * i));
      await page.mouse.up();
      await page.waitForFunction((n) => window.nnwasmDemo.shapes.count > n, before, { timeout: 30000 });
      const got = await page.evaluate(() => window.nnwasmDemo.shapes.last);
      assert(got.label === 'line', `classified as ${got.label}: ${got.probs.map((p, i) => `${CLASSES[i]} ${p.toFixed(3)}`).join(', ')}`);
      assert(got.maxDiff <= 1e-4, `nnwasm and tfjs differ by ${got.maxDiff}`);
    });

    await suite.test('an uploaded picture is drawn onto the canvas and classified', async () => {
      const before = await page.evaluate(() => window.nnwasmDemo.shapes.count);
      await page.setInputFiles('#draw-file', join(root, 'demo', 'test-image.png'));
      await page.waitForFunction((n) => window.nnwasmDemo.shapes.count > n, before, { timeout: 30000 });
      const got = await page.evaluate(() => window.nnwasmDemo.shapes.last);
      assert(CLASSES.includes(got.label) && got.maxDiff <= 1e-4, `label ${got.label}, difference ${got.maxDiff}`);
      assert(got.input.some((v) => v > 0.05), 'the picture did not reach the model');
      const error = await page.evaluate(() => window.nnwasmDemo.error);
      assert(error === null, `page error: ${error}`);
    });

    await suite.test('a model.json + shard chosen in the file chooser loads and runs in both libraries', async () => {
      const files = ['model.json', 'group1-shard1of1.bin'].map((name) => ({
        name, mimeType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream', buffer: readFileSync(join(modelDir, name)),
      }));
      await page.setInputFiles('#user-model-files', files);
      await page.waitForFunction(() => window.nnwasmDemo.userModel.count === 1, null, { timeout: 30000 });
      const u = await page.evaluate(() => window.nnwasmDemo.userModel);
      assert(!u.error, `error: ${u.error}`);
      assert(JSON.stringify(u.last.inputShapes) === '[[1,28,28,1]]', `input shapes ${JSON.stringify(u.last.inputShapes)}`);
      assert(JSON.stringify(u.last.outputShapes) === '[[1,6]]', `output shapes ${JSON.stringify(u.last.outputShapes)}`);
      assert(u.last.maxDiff <= 1e-4, `max difference ${u.last.maxDiff}`);
      assert(u.last.nnwasmMs > 0 && u.last.tfjsMs > 0, 'no timings');
      const shown = await page.textContent('#user-model-result');
      assert(/max \|nnwasm − tfjs\|/.test(shown), `the page shows: ${shown}`);

      // The shard left out: the error is shown in the page.
      await page.setInputFiles('#user-model-files', [files[0]]);
      await page.waitForFunction(() => window.nnwasmDemo.userModel.count === 2, null, { timeout: 30000 });
      const err = await page.evaluate(() => window.nnwasmDemo.userModel.error);
      assert(/group1-shard1of1\.bin/.test(err ?? ''), `error: ${err}`);
      const text = await page.textContent('#user-model-result');
      assert(text.includes('group1-shard1of1.bin') && await page.isVisible('#user-model-result.failed'), `the page shows: ${text}`);
      assert(problems.length === 0, `problems:\n${problems.join('\n')}`);
    });

    await suite.test('model files dropped on the drop zone load and run', async () => {
      const json = readFileSync(join(modelDir, 'model.json'), 'utf8');
      const shard = [...readFileSync(join(modelDir, 'group1-shard1of1.bin'))];
      await page.evaluate(([j, b]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([j], 'model.json', { type: 'application/json' }));
        dt.items.add(new File([Uint8Array.from(b)], 'group1-shard1of1.bin'));
        document.getElementById('user-drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, [json, shard]);
      await page.waitForFunction(() => window.nnwasmDemo.userModel.count === 3, null, { timeout: 30000 });
      const u = await page.evaluate(() => window.nnwasmDemo.userModel);
      assert(!u.error && u.last.maxDiff <= 1e-4, `error ${u.error}, difference ${u.last?.maxDiff}`);
      console.log(`      user model: nnwasm ${u.last.nnwasmMs.toFixed(3)} ms, tfjs ${u.last.tfjsMs.toFixed(3)} ms, max diff ${u.last.maxDiff.toExponential(1)}`);
    });
  } finally {
    await page.close();
    await server.close();
  }
}
