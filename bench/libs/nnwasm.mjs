// nnwasm itself, through its public API only (shared/API.md): the input
// tensor is made once; timed is the op plus disposing its output, i.e. what
// one iteration of a user's loop costs. Rows whose function or layer does not
// exist yet, or throws, are reported as 'not implemented yet'.
import fs from 'node:fs';
import { Skip, weightAs, splitShape } from './common.mjs';
import { relayout } from '../workloads.mjs';

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
      // Build a keras layer for the input shape and give it these weights, arrays in Keras layout.
      const withWeights = (cls, options, shape, arrays) => {
        const l = kerasLayer(cls, options);
        try {
          l.build(shape);
          l.set_weights(arrays.map(([data, dims]) => keep(torch.tensor(data, dims))));
        } catch (err) {
          throw notYet(`${cls}.build/set_weights threw`, err);
        }
        return l;
      };
      const bnArrays = (p) => [p.gamma, p.beta, p.mean, p.variance].map((a) => [a, [a.length]]);
      switch (op.type) {
        case 'dense': {
          const options = { units: op.units, use_bias: op.bias };
          layer = withWeights('Dense', options, inputs.inputShape,
            [[inputs.kernel, inputs.kernelShape], ...(op.bias ? [[inputs.bias, [op.units]]] : [])]);
          label = `Dense(${show(options)}).apply(x)`;
          break;
        }
        case 'batch_norm': {
          const options = { epsilon: op.epsilon };
          layer = withWeights('BatchNormalization', options, inputs.inputShape, bnArrays(inputs.bn));
          label = `BatchNormalization(${show(options)}).apply(x)`;
          break;
        }
        case 'relu6':
          layer = kerasLayer('ReLU', { max_value: 6 });
          label = 'ReLU({"max_value":6}).apply(x)';
          break;
        case 'add':
        case 'concat': {
          const x2 = keep(torch.tensor(inputs.input2, inputs.inputShape));
          const [cls, options] = op.type === 'add' ? ['Add', undefined] : ['Concatenate', { axis: op.axis }];
          const merge = kerasLayer(cls, options);
          call = () => merge.apply([x, x2]);
          label = `${cls}(${options ? show(options) : ''}).apply([a, b])`;
          break;
        }
        case 'conv_transpose': {
          const options = {
            filters: op.filters, kernel_size: one(op.kernel), strides: one(op.stride), padding: op.padding,
            use_bias: op.bias, data_format: dataFormat,
          };
          // (in, out, k...) -> Keras (k..., out, in)
          const [from, to] = spatialDims === 1 ? ['IOW', 'WOI'] : ['IOHW', 'HWOI'];
          const kernel = relayout(inputs.weight, inputs.weightShape, from, to);
          const cls = `Conv${spatialDims}DTranspose`;
          layer = withWeights(cls, options, inputs.inputShape,
            [[kernel.data, kernel.shape], ...(op.bias ? [[inputs.bias, [op.filters]]] : [])]);
          label = `${cls}(${show(options)}).apply(x)`;
          break;
        }
        case 'mobilenetv2_block': {
          const model = functionalBlock(w, inputs, { keep, bnArrays });
          owned.push({ dispose: () => model.dispose?.() });
          call = () => model.predict(x);
          label = 'new keras.Model({ inputs: keras.Input(...), outputs: <8 layers>.apply + Add }).predict(x)';
          break;
        }
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
          if (op.depthwise) {
            const { C } = splitShape(inputs.inputShape, inputs.layout);
            const options = {
              kernel_size: one(op.kernel), strides: one(op.stride), padding: op.padding,
              depth_multiplier: op.filters / C, dilation_rate: one(op.dilation), use_bias: op.bias, data_format: dataFormat,
            };
            // torch (C*m, 1, k...) -> Keras (k..., C, m): channel c's j-th filter is output c*m + j.
            const kernel = weightAs(inputs, spatialDims === 1 ? 'WOI' : 'HWOI');
            const cls = `DepthwiseConv${spatialDims}D`;
            layer = withWeights(cls, options, inputs.inputShape,
              [[kernel.data, [...op.kernel, C, op.filters / C]], ...(op.bias ? [[inputs.bias, [op.filters]]] : [])]);
            label = `${cls}(${show(options)}).apply(x)`;
            break;
          }
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
      if (!call) call = () => layer.apply(x);
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
      dispose: () => disposeAll(owned),
    }];
  } catch (err) {
    disposeAll(owned);
    throw err;
  }
}

// A layer may have taken over a weight tensor and freed it already.
function disposeAll(owned) {
  for (const t of owned.splice(0)) {
    try { t.dispose(); } catch { /* already freed */ }
  }
}

/**
 * The MobileNetV2 block through the functional API: keras.Input,
 * layer.apply(symbolic), new keras.Model({ inputs, outputs }); weights set
 * per layer once the graph has built them.
 */
function functionalBlock(w, inputs, { keep, bnArrays }) {
  const { keras, torch } = nn;
  if (typeof keras?.Input !== 'function') throw notYet('keras.Input missing');
  if (typeof keras?.Model !== 'function') throw notYet('keras.Model missing');
  const [, H, W, C] = inputs.inputShape;
  const { hidden, expand, bn1, depthwise, bn2, project, bn3 } = inputs.block;
  const epsilon = w.op.epsilon;
  const stack = [
    ['Conv2D', { filters: hidden, kernel_size: 1, use_bias: false }, [[expand, [1, 1, C, hidden]]]],
    ['BatchNormalization', { epsilon }, bnArrays(bn1)],
    ['ReLU', { max_value: 6 }, []],
    ['DepthwiseConv2D', { kernel_size: 3, padding: 'same', use_bias: false }, [[depthwise, [3, 3, hidden, 1]]]],
    ['BatchNormalization', { epsilon }, bnArrays(bn2)],
    ['ReLU', { max_value: 6 }, []],
    ['Conv2D', { filters: C, kernel_size: 1, use_bias: false }, [[project, [1, 1, hidden, C]]]],
    ['BatchNormalization', { epsilon }, bnArrays(bn3)],
  ];
  const layers = stack.map(([cls, options]) => kerasLayer(cls, options));
  const add = kerasLayer('Add');
  let step = 'keras.Input';
  try {
    const input = keras.Input({ shape: [H, W, C] });
    let y = input;
    layers.forEach((layer, i) => { step = `${stack[i][0]}.apply(symbolic)`; y = layer.apply(y); });
    step = 'Add.apply(symbolic)';
    const output = add.apply([y, input]);
    step = 'new keras.Model';
    const model = new keras.Model({ inputs: input, outputs: output });
    layers.forEach((layer, i) => {
      step = `${stack[i][0]}.set_weights`;
      if (stack[i][2].length) layer.set_weights(stack[i][2].map(([data, dims]) => keep(torch.tensor(data, dims))));
    });
    return model;
  } catch (err) {
    throw notYet(`${step} threw`, err);
  }
}
