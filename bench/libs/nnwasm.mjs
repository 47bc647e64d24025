// nnwasm itself, through its public API only (shared/API.md): the input
// tensor is made once; timed is the op plus disposing its output, i.e. what
// one iteration of a user's loop costs. Rows whose function or layer does not
// exist yet, or throws, are reported as 'not implemented yet'.
import fs from 'node:fs';
import { Skip, weightAs, splitShape } from './common.mjs';

export const name = 'nnwasm';

const ENTRY = new URL('../../js/index.js', import.meta.url);
let nn;

export async function setup({ threads }) {
  if (!fs.existsSync(ENTRY)) throw new Error('js/index.js does not exist yet');
  nn = await import(ENTRY.href);
  await nn.init({ threads });
  const info = nn.backend();
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return {
    version: pkg.version,
    threadsUsed: info.threads,
    build: `${info.build} (simd: ${info.simd}, threads: ${info.threads})`,
    backend: info,
    notes: [],
  };
}

function notYet(what, err) {
  return new Skip(`not implemented yet (${what}${err ? `: ${err.message ?? err}` : ''})`);
}

/** Look up torch.nn.functional.<fn>, or explain that it is missing. */
function functional(fnName) {
  const fn = nn.torch?.nn?.functional?.[fnName];
  if (typeof fn !== 'function') throw notYet(`torch.nn.functional.${fnName} missing`);
  return fn;
}

/** Construct keras.layers.<cls>(options), or explain why it can't be. */
function kerasLayer(cls, options) {
  const Layer = nn.keras?.layers?.[cls];
  if (typeof Layer !== 'function') throw notYet(`keras.layers.${cls} missing`);
  try {
    return new Layer(options);
  } catch (err) {
    throw notYet(`new keras.layers.${cls}(${JSON.stringify(options)}) threw`, err);
  }
}

export async function prepare(w, inputs) {
  const { torch } = nn;
  const op = w.op;
  const spatialDims = splitShape(w.inputShape, w.layout).spatial.length;
  const channelsLast = w.layout.endsWith('C');
  const dataFormat = channelsLast ? 'channels_last' : 'channels_first';
  const owned = [];
  const keep = (t) => { owned.push(t); return t; };
  const one = (a) => (spatialDims === 1 ? a[0] : a); // PyTorch takes an int for 1D
  const show = (v) => JSON.stringify(v);
  const x = keep(torch.tensor(inputs.input, inputs.inputShape));
  let call, label;

  try {
    if (w.api === 'torch') {
      const F = (n) => functional(n);
      switch (op.type) {
        case 'adaptive_avg_pool': {
          const fn = F(`adaptive_avg_pool${spatialDims}d`);
          call = () => fn(x, one(op.outputSize));
          label = `F.adaptive_avg_pool${spatialDims}d(x, ${show(one(op.outputSize))})`;
          break;
        }
        case 'avg_pool': {
          const fn = F(`avg_pool${spatialDims}d`);
          call = () => fn(x, one(op.kernel), one(op.stride), one(op.padding), false, op.countIncludePad);
          label = `F.avg_pool${spatialDims}d(x, ${show(one(op.kernel))}, ${show(one(op.stride))}, ${show(one(op.padding))}, false, ${op.countIncludePad})`;
          break;
        }
        case 'max_pool': {
          const fn = F(`max_pool${spatialDims}d`);
          call = () => fn(x, one(op.kernel), one(op.stride), one(op.padding));
          label = `F.max_pool${spatialDims}d(x, ${show(one(op.kernel))}, ${show(one(op.stride))}, ${show(one(op.padding))})`;
          break;
        }
        case 'conv': {
          const fn = F(`conv${spatialDims}d`);
          const weight = keep(torch.tensor(inputs.weight, inputs.weightShape));
          const bias = op.bias ? keep(torch.tensor(inputs.bias, [op.filters])) : null;
          call = () => fn(x, weight, bias, one(op.stride), one(op.padding), one(op.dilation), op.groups);
          label = `F.conv${spatialDims}d(x, w, ${bias ? 'b' : 'null'}, ${show(one(op.stride))}, ${show(one(op.padding))}, ` +
            `${show(one(op.dilation))}, ${op.groups})`;
          break;
        }
        default:
          throw new Skip(`no torch mapping for ${op.type}`);
      }
    } else {
      let layer;
      switch (op.type) {
        case 'global_avg_pool':
          layer = kerasLayer(`GlobalAveragePooling${spatialDims}D`, { data_format: dataFormat });
          label = `GlobalAveragePooling${spatialDims}D({data_format:'${dataFormat}'}).apply(x)`;
          break;
        case 'avg_pool':
        case 'max_pool': {
          const cls = `${op.type === 'avg_pool' ? 'Average' : 'Max'}Pooling${spatialDims}D`;
          const options = { pool_size: one(op.kernel), strides: one(op.stride), padding: op.padding, data_format: dataFormat };
          layer = kerasLayer(cls, options);
          label = `${cls}(${JSON.stringify(options)}).apply(x)`;
          break;
        }
        case 'conv': {
          const cls = `Conv${spatialDims}D`;
          const options = {
            filters: op.filters, kernel_size: one(op.kernel), strides: one(op.stride), padding: op.padding,
            dilation_rate: one(op.dilation), groups: op.groups, use_bias: op.bias, data_format: dataFormat,
          };
          layer = kerasLayer(cls, options);
          // Keras kernel layout: (k..., in/groups, filters).
          const kernel = weightAs(inputs, spatialDims === 1 ? 'WIO' : 'HWIO');
          const weights = [keep(torch.tensor(kernel.data, kernel.shape))];
          if (op.bias) weights.push(keep(torch.tensor(inputs.bias, [op.filters])));
          try {
            layer.build(inputs.inputShape);
            layer.set_weights(weights);
          } catch (err) {
            throw notYet(`${cls}.build/set_weights threw`, err);
          }
          label = `${cls}(${JSON.stringify(options)}).apply(x)`;
          break;
        }
        default:
          throw new Skip(`no keras mapping for ${op.type}`);
      }
      call = () => layer.apply(x);
    }

    // First call: decides 'not implemented yet' and whether ops are async.
    let first, isAsync = false;
    try {
      first = call();
      if (first && typeof first.then === 'function') { isAsync = true; first = await first; }
    } catch (err) {
      throw notYet(`${label} threw`, err);
    }
    if (typeof first?.dispose !== 'function') throw notYet(`${label} did not return a Tensor`);
    first.dispose();
    return [{
      label,
      exact: true,
      isAsync,
      run: isAsync ? async () => (await call()).dispose() : () => call().dispose(),
      output: async () => {
        const y = await call();
        const data = y.data;
        y.dispose();
        return data;
      },
      dispose: () => { for (const t of owned.splice(0)) t.dispose(); },
    }];
  } catch (err) {
    for (const t of owned.splice(0)) t.dispose();
    throw err;
  }
}
