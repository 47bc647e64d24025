// The fusion pass: on a plan's steps, ZeroPadding -> Conv -> BatchNormalization
// -> activation chains (each link the only consumer of the one before) become
// one convolution: the zero padding joins the conv's padding, BatchNorm is
// folded into the kernel and bias, and the activation runs in the conv's
// output pass. The fold is a per-output-channel scale applied as the conv's
// own kernel is packed (no scaled copy of the kernel; channels-first
// depthwise, which runs unpacked, gets a scaled copy) and a new bias. It is
// made on first use and remade when any source weight tensor is replaced
// (set_weights makes new tensors); the layers' own weights are never touched.
import { resolveActivation } from '../ops/fused_activation.js';
import { Tensor } from '../tensor.js';
import { Activation, ReLU } from '../keras/layers/activation.js';
import { Conv1D, Conv2D } from '../keras/layers/conv.js';
import { convGeneral, kerasConvGeometry, packsWeights } from '../ops/conv.js';
import { binary } from '../ops/elementwise.js';
import { DepthwiseConv1D, DepthwiseConv2D } from '../keras/layers/conv_variants.js';
import { BatchNormalization } from '../keras/layers/normalization.js';
import { ZeroPadding1D, ZeroPadding2D } from '../keras/layers/reshaping.js';

const isConv = (l) => l instanceof Conv1D || l instanceof Conv2D;
const isDepthwise = (l) => l instanceof DepthwiseConv1D || l instanceof DepthwiseConv2D;
const linearAct = (spec) => spec.code === 0 && !spec.softmax && spec.fn === null;

// The resolved activation a layer would fuse as, or null.
function fusableActivation(layer) {
  if (layer instanceof ReLU) {
    const name = layer.fusedActivation;
    return name === null ? null : resolveActivation(layer.where, name);
  }
  if (layer instanceof Activation && typeof layer.activation === 'string') {
    try {
      const spec = resolveActivation(layer.where, layer.activation);
      return spec.softmax ? null : spec;
    } catch {
      return null;
    }
  }
  return null;
}

// One fused convolution: pad (or null), conv, bn (or null), act (or null).
class FusedConv {
  #key = null;
  #weights = null;

  constructor(pad, conv, bn, act) {
    this.pad = pad;
    this.conv = conv;
    this.bn = bn;
    this.act = act;
  }

  #sources() {
    const c = this.conv;
    const kernel = isDepthwise(c) ? c.depthwise_kernel : c.kernel;
    const bias = c.bias ?? null;
    const b = this.bn;
    return [kernel, bias, b?.gamma ?? null, b?.beta ?? null, b?.moving_mean ?? null, b?.moving_variance ?? null];
  }

  #groups() {
    const c = this.conv;
    return isDepthwise(c) ? c.inputChannels : c.groups;
  }

  // The kernel (HWIO, grouped view for depthwise), bias and packing scale
  // (a Tensor or null) to run with.
  weights() {
    const src = this.#sources();
    if (this.#key !== null && src.every((t, i) => t === this.#key[i])) return this.#weights;
    this.dispose();
    const [kernel, bias] = src;
    const nd = this.conv.rank;
    const view = isDepthwise(this.conv) ? this.conv.convKernel : kernel;
    if (this.bn === null) {
      this.#weights = { kernel: view, bias, scale: null, owned: false };
    } else {
      const [, , gamma, beta, mean, variance] = src;
      const out = view.shape[nd + 1];
      const b = bias ? bias.data : new Float32Array(out);
      const g = gamma?.data;
      const be = beta?.data;
      const m = mean.data;
      const v = variance.data;
      const eps = this.bn.epsilon;
      const scale = new Float32Array(out);
      const shift = new Float32Array(out);
      for (let o = 0; o < out; o++) {
        scale[o] = (g ? g[o] : 1) / Math.sqrt(v[o] + eps);
        shift[o] = (b[o] - m[o]) * scale[o] + (be ? be[o] : 0);
      }
      const st = Tensor.fromFloat32(scale, [out], 'fusion');
      const bt = Tensor.fromFloat32(shift, [out], 'fusion');
      const groups = this.#groups();
      const packed = packsWeights({
        groups, inChannels: view.shape[nd] * groups, outChannels: out, channelsLast: this.conv.data_format === 'channels_last',
      });
      if (packed) {
        this.#weights = { kernel: view, bias: bt, scale: st, owned: true };
      } else {
        // kernel * scale over its last (output) axis, in the heap.
        let kt;
        try {
          kt = binary('fusion', 'mul', view, st);
        } catch (e) {
          bt.dispose();
          throw e;
        } finally {
          st.dispose();
        }
        this.#weights = { kernel: kt, bias: bt, scale: null, folded: true, owned: true };
      }
    }
    this.#key = src;
    return this.#weights;
  }

  // The kernel, bias, groups and packing scale run() passes to convGeneral
  // (folded now if not yet), for prepacking.
  prepared() {
    const w = this.weights();
    return { kernel: w.kernel, bias: w.bias, groups: this.#groups(), scale: w.scale };
  }

  run(x) {
    const c = this.conv;
    const nd = c.rank;
    const channelsLast = c.data_format === 'channels_last';
    const shape = x.shape;
    const first = channelsLast ? 1 : 2;
    let zb = new Array(nd).fill(0);
    let za = new Array(nd).fill(0);
    let convIn = shape;
    if (this.pad !== null) {
      convIn = this.pad.compute_output_shape(shape);
      zb = this.pad.padding.map(([b]) => b);
      za = this.pad.padding.map(([, a]) => a);
    }
    c.compute_output_shape(convIn);  // the conv's own checks and errors
    const C = channelsLast ? convIn[nd + 1] : convIn[1];
    const geo = convIn.slice(first, first + nd).map((L, i) => kerasConvGeometry(c.where, L, c.kernel_size[i],
      c.strides[i], c.dilation_rate[i], c.padding));
    const w = this.weights();
    const activation = this.act ?? c.activationSpec;
    return convGeneral(c.where, x, w.kernel, {
      nd, layout: 'HWIO', bias: w.bias, stride: c.strides, dilation: c.dilation_rate,
      padBefore: geo.map((g, i) => g.before + zb[i]), padAfter: geo.map((g, i) => g.after + za[i]),
      groups: isDepthwise(c) ? C : c.groups, channelsLast, activation, scale: w.scale,
    });
  }

  dispose() {
    const w = this.#weights;
    if (w?.owned) {
      if (w.folded) w.kernel.dispose();
      w.bias.dispose();
      w.scale?.dispose();  // and the kernel packed with it (kept on it)
    }
    this.#weights = null;
    this.#key = null;
  }
}

function channelAxisOf(conv) {
  return conv.data_format === 'channels_last' ? conv.rank + 1 : 1;
}

// steps as executor.makePlan takes them (with .layer and .kwargs); returns
// new steps with fused chains replaced, and the FusedConv objects made
// (the caller keeps them to reuse their folded weights and dispose them).
export function fuseSteps(steps, pinned, uses) {
  const producer = new Map();
  steps.forEach((s, i) => s.outputs.forEach((id) => producer.set(id, i)));
  // The single consumer of step i's single output, if it is the only one.
  const consumers = new Map();
  steps.forEach((s, i) => s.inputs.forEach((id) => {
    if (!consumers.has(id)) consumers.set(id, []);
    consumers.get(id).push(i);
  }));
  const onlyNext = (i) => {
    const s = steps[i];
    if (s.outputs.length !== 1 || pinned.has(s.outputs[0]) || uses.get(s.outputs[0]) !== 1) return null;
    return consumers.get(s.outputs[0])[0];
  };
  const training = (s) => s.kwargs?.training === true;
  const gone = new Set();
  const replaced = new Map();
  const fused = [];
  steps.forEach((s, i) => {
    const c = s.layer;
    if (!(isConv(c) || isDepthwise(c)) || training(s) || gone.has(i)) return;
    // Padding before: a ZeroPadding of the same rank and layout feeding only this conv.
    let pad = null;
    let first = i;
    const pi = producer.get(s.inputs[0]);
    if (pi !== undefined && !replaced.has(pi) && !gone.has(pi)) {
      const p = steps[pi].layer;
      const same = (p instanceof ZeroPadding1D && c.rank === 1) || (p instanceof ZeroPadding2D && c.rank === 2);
      if (same && p.data_format === c.data_format && onlyNext(pi) === i && !training(steps[pi])) {
        pad = p;
        first = pi;
      }
    }
    let last = i;
    let bn = null;
    let act = null;
    if (linearAct(c.activationSpec)) {
      let n = onlyNext(last);
      if (n !== null && steps[n].layer instanceof BatchNormalization && !training(steps[n])) {
        const b = steps[n].layer;
        if (b.built && b.channelAxis(c.rank + 2) === channelAxisOf(c)) {
          bn = b;
          last = n;
          n = onlyNext(last);
        }
      }
      if (n !== null && !training(steps[n])) {
        const a = fusableActivation(steps[n].layer);
        if (a !== null) {
          act = a;
          last = n;
        }
      }
    }
    if (pad === null && bn === null && act === null) return;
    const f = new FusedConv(pad, c, bn, act);
    fused.push(f);
    const members = [first, i, last].filter((j, k, a) => a.indexOf(j) === k);
    // BN / activation steps between i and last.
    let j = i;
    while (j !== last) {
      j = onlyNext(j);
      members.push(j);
    }
    for (const m of members) gone.add(m);
    replaced.set(first, {
      name: [pad, c, bn, act && steps[last].layer].filter(Boolean).map((l) => l.name).join('+'),
      type: 'FusedConv',
      layer: null,
      inputs: steps[first].inputs.slice(),
      outputs: steps[last].outputs.slice(),
      list: false,
      run: (x) => f.run(x),
      // runs where the last member ran, so its inputs are ready.
      at: last,
    });
  });
  const out = [];
  steps.forEach((s, i) => {
    if (!gone.has(i)) out.push(s);
    for (const r of replaced.values()) if (r.at === i) out.push(r);
  });
  return { steps: out, fused };
}
