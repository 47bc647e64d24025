// torch.nn modules as containers: Sequential, named_modules, parameters,
// train/eval, state_dict / load_state_dict with PyTorch's dotted names and
// its error messages, PyTorch's default initialisation, and the memory a
// forward pass leaves behind.
import { backend, init, torch } from '../../js/index.js';

const nn = () => torch.nn;
const liveTensors = () => backend().memory.tensors;

beforeAll(() => init({ threads: 2 }));

function features() {
  const { Sequential, Conv2d, BatchNorm2d, ReLU, MaxPool2d, Flatten, Linear, Dropout } = nn();
  return new Sequential(
    new Conv2d(3, 4, 3, { padding: 1 }), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
    new Conv2d(4, 2, 1, { bias: false }), new Flatten(), new Dropout(0.5), new Linear(8, 5));
}

// A user-defined module: children found in its properties, as PyTorch finds them.
function makeNet() {
  class Net extends nn().Module {
    constructor() {
      super();
      this.features = features();
      this.head = new (nn().Linear)(5, 2, false);
      this.scale = 3;
    }

    forward(x) {
      const h = this.features.forward(x);
      const y = this.head.forward(h);
      h.dispose();
      return y;
    }
  }
  return new Net();
}

const KEYS = ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '4.weight', '7.weight', '7.bias'];

describe('names', () => {
  test('state_dict keys: parameters then buffers, children after their parent, no key for a missing bias', () => {
    const m = features();
    expect(Object.keys(m.state_dict())).toEqual(KEYS);
    const net = makeNet();
    expect(Object.keys(net.state_dict())).toEqual([...KEYS.map((k) => `features.${k}`), 'head.weight']);
    expect(net.state_dict()['features.1.running_var'].tolist()).toEqual([1, 1, 1, 1]);
  });

  test('named_modules, children, named_parameters, parameters, buffers', () => {
    const net = makeNet();
    expect(net.named_modules().map(([n, m]) => `${n}:${m.constructor.name}`)).toEqual([
      ':Net', 'features:Sequential', 'features.0:Conv2d', 'features.1:BatchNorm2d', 'features.2:ReLU', 'features.3:MaxPool2d',
      'features.4:Conv2d', 'features.5:Flatten', 'features.6:Dropout', 'features.7:Linear', 'head:Linear']);
    expect(net.children().map((m) => m.constructor.name)).toEqual(['Sequential', 'Linear']);
    expect(net.named_parameters().map(([n]) => n)).toEqual(['features.0.weight', 'features.0.bias', 'features.1.weight',
      'features.1.bias', 'features.4.weight', 'features.7.weight', 'features.7.bias', 'head.weight']);
    expect(net.parameters().reduce((n, t) => n + t.numel(), 0)).toBe(4 * 27 + 4 + 4 + 4 + 8 + 40 + 5 + 10);
    expect(net.named_buffers().map(([n]) => n)).toEqual(['features.1.running_mean', 'features.1.running_var']);
    expect(net.features[0]).toBe(net.features.at(0));
    expect(net.features.at(-1)).toBeInstanceOf(nn().Linear);
    expect(net.features.length).toBe(8);
    // A module shared twice is listed once.
    const relu = new (nn().ReLU)();
    expect(new (nn().Sequential)(relu, relu).named_modules().length).toBe(2);
    // Sequential from an object: its keys are the names.
    const named = new (nn().Sequential)({ conv: new (nn().Conv1d)(1, 2, 3), act: new (nn().ReLU)() });
    expect(Object.keys(named.state_dict())).toEqual(['conv.weight', 'conv.bias']);
  });

  test('train() and eval() reach every module and return the module', () => {
    const net = makeNet();
    expect(net.modules().every((m) => m.training)).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().every((m) => m.training === false)).toBe(true);
    net.features.train();
    expect(net.training).toBe(false);
    expect(net.features[1].training).toBe(true);
    expect(() => net.train('yes')).toThrow(/^Net.train: mode must be a boolean, got "yes"$/);
  });

  test('repr lists the children as PyTorch prints them', () => {
    const m = new (nn().Sequential)(new (nn().Linear)(3, 4), new (nn().BatchNorm1d)(4), new (nn().ReLU)());
    expect(String(m)).toBe('Sequential(\n  (0): Linear(in_features=3, out_features=4, bias=True)\n' +
      '  (1): BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n  (2): ReLU()\n)');
  });
});

describe('load_state_dict', () => {
  test('a round trip gives the same outputs; the module owns copies', () => {
    torch.manual_seed(10);
    const a = makeNet().eval();
    torch.manual_seed(11);
    const b = makeNet().eval();
    const x = torch.randn(2, 3, 4, 4);
    const ya = a.forward(x).data;
    expect(Array.from(b.forward(x).data)).not.toEqual(Array.from(ya));
    const dict = {};
    for (const [k, t] of Object.entries(a.state_dict())) dict[k] = t.clone();
    dict['features.1.num_batches_tracked'] = torch.tensor(7);  // accepted and ignored
    expect(b.load_state_dict(dict)).toEqual({ missing_keys: [], unexpected_keys: [] });
    for (const t of Object.values(dict)) t.dispose();
    expect(Array.from(b.forward(x).data)).toEqual(Array.from(ya));
    // A Map and nested arrays are accepted too.
    const lin = new (nn().Linear)(2, 1);
    lin.load_state_dict(new Map([['weight', [[1, 2]]], ['bias', [0.5]]]));
    expect(lin.forward([[1, 1]]).tolist()).toEqual([[3.5]]);
  });

  test('strict: PyTorch\'s message for missing and unexpected keys; nothing is loaded', () => {
    const m = new (nn().Sequential)(new (nn().Linear)(3, 5), new (nn().ReLU)());
    const before = m[0].weight.data;
    expect(() => m.load_state_dict({ '0.weight': torch.zeros(5, 3), '9.bias': torch.zeros(2) })).toThrow(
      'Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: "0.bias". \n\tUnexpected key(s) in state_dict: "9.bias". ');
    expect(Array.from(m[0].weight.data)).toEqual(Array.from(before));
  });

  test('size mismatch: refused in strict and non-strict mode, with PyTorch\'s message', () => {
    const m = new (nn().Sequential)(new (nn().Linear)(3, 5));
    const dict = { '0.weight': torch.zeros(4, 3), '0.bias': torch.zeros(5) };
    const msg = 'Error(s) in loading state_dict for Sequential:\n\tsize mismatch for 0.weight: copying a param with shape [4, 3] ' +
      'from checkpoint, the shape in current model is [5, 3].';
    expect(() => m.load_state_dict(dict)).toThrow(msg);
    expect(() => m.load_state_dict(dict, false)).toThrow(msg);
    expect(m[0].bias.data.some((v) => v !== 0)).toBe(true);  // the good key was not loaded either
    expect(() => m.load_state_dict({ '0.weight': torch.zeros(4, 3) })).toThrow(
      'Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: "0.bias". \n\tsize mismatch for 0.weight: ' +
      'copying a param with shape [4, 3] from checkpoint, the shape in current model is [5, 3].');
  });

  test('non-strict returns missing_keys and unexpected_keys and loads the rest', () => {
    const m = new (nn().Sequential)(new (nn().Linear)(2, 2), new (nn().BatchNorm1d)(2));
    const r = m.load_state_dict({ '0.weight': [[1, 0], [0, 1]], '1.running_mean': [5, 6], 'extra.w': [1] }, false);
    expect(r).toEqual({ missing_keys: ['0.bias', '1.weight', '1.bias', '1.running_var'], unexpected_keys: ['extra.w'] });
    expect(m[0].weight.tolist()).toEqual([[1, 0], [0, 1]]);
    expect(m[1].running_mean.tolist()).toEqual([5, 6]);
  });

  test('bad arguments', () => {
    const m = new (nn().Linear)(2, 2);
    expect(() => m.load_state_dict(null)).toThrow(/^Linear.load_state_dict: state_dict must be an object or a Map of name -> Tensor, got null$/);
    expect(() => m.load_state_dict({ weight: 'w' }, false)).toThrow(/^Linear.load_state_dict: the value of "weight" must be a Tensor or a nested array, got "w"$/);
    expect(() => m.load_state_dict({}, 'no')).toThrow(/^Linear.load_state_dict: strict must be a boolean, got "no"$/);
    const t = torch.zeros(2, 2);
    t.dispose();
    expect(() => m.load_state_dict({ weight: t }, false)).toThrow(/^Linear.load_state_dict: the value of "weight" was disposed$/);
    expect(() => new (nn().Sequential)(new (nn().ReLU)(), 3)).toThrow(/^Sequential: module 1 must be a torch.nn Module, got 3$/);
    expect(() => m.register_buffer('a.b', null)).toThrow(/^Linear.register_buffer: name must be a non-empty string without '.', got "a.b"$/);
  });

  test('register_parameter / register_buffer take part in state_dict', () => {
    class Scale extends nn().Module {
      constructor() {
        super();
        this.register_parameter('gain', torch.ones(3));
        this.register_buffer('offset', torch.zeros(3));
      }
    }
    const s = new Scale();
    expect(Object.keys(s.state_dict())).toEqual(['gain', 'offset']);
    s.load_state_dict({ gain: [1, 2, 3], offset: [0, 0, 1] });
    expect(s.gain.tolist()).toEqual([1, 2, 3]);
  });
});

describe('initialisation as PyTorch', () => {
  const maxAbs = (t) => t.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

  test('Linear: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias, reproducible with manual_seed', () => {
    torch.manual_seed(5);
    const m = new (nn().Linear)(64, 100);
    const bound = 1 / 8;
    expect(maxAbs(m.weight)).toBeLessThanOrEqual(bound);
    expect(maxAbs(m.weight)).toBeGreaterThan(0.99 * bound);
    expect(maxAbs(m.bias)).toBeLessThanOrEqual(bound);
    expect(maxAbs(m.bias)).toBeGreaterThan(0.9 * bound);
    torch.manual_seed(5);
    expect(Array.from(new (nn().Linear)(64, 100).weight.data)).toEqual(Array.from(m.weight.data));
    expect(new (nn().Linear)(3, 4, false).bias).toBe(null);
  });

  test('ConvTranspose: fan_in is out/groups * kernel (the weight\'s dim 1), not in', () => {
    torch.manual_seed(6);
    const m = new (nn().ConvTranspose2d)(16, 4, 3, { groups: 2 });
    expect(m.weight.shape).toEqual([16, 2, 3, 3]);
    const bound = 1 / Math.sqrt(2 * 9);
    expect(maxAbs(m.weight)).toBeLessThanOrEqual(bound);
    expect(maxAbs(m.weight)).toBeGreaterThan(0.98 * bound);
    expect(m.bias.shape).toEqual([4]);
    expect(maxAbs(m.bias)).toBeLessThanOrEqual(bound);
    expect(new (nn().ConvTranspose1d)(3, 6, 5).weight.shape).toEqual([3, 6, 5]);
  });

  test('BatchNorm: weight ones, bias zeros, running_mean zeros, running_var ones; affine=false has none', () => {
    const bn = new (nn().BatchNorm2d)(3);
    expect([bn.weight, bn.bias, bn.running_mean, bn.running_var].map((t) => t.tolist())).toEqual([[1, 1, 1], [0, 0, 0], [0, 0, 0], [1, 1, 1]]);
    const plain = new (nn().BatchNorm1d)(3, { affine: false });
    expect(Object.keys(plain.state_dict())).toEqual(['running_mean', 'running_var']);
  });
});

describe('memory', () => {
  test('Sequential.forward frees its intermediates; dispose frees the parameters', () => {
    const m = features().eval();
    const x = torch.randn(2, 3, 4, 4);
    m.forward(x).dispose();  // first call packs the weights
    const before = liveTensors();
    const y = m.forward(x);
    expect(y.shape).toEqual([2, 5]);
    expect(liveTensors()).toBe(before + 1);
    y.dispose();
    expect(x.isDisposed).toBe(false);
    // A failing module frees what came before it.
    const bad = new (nn().Sequential)(new (nn().ReLU)(), new (nn().Linear)(7, 2));
    const b0 = liveTensors();
    expect(() => bad.forward(x)).toThrow(/^Linear: /);
    expect(liveTensors()).toBe(b0);
    const params = m.parameters();
    m.dispose();
    expect(params.every((t) => t.isDisposed)).toBe(true);
    expect(m.buffers().every((t) => t.isDisposed)).toBe(true);
  });

  test('Identity and Dropout in eval hand back a new tensor over the same values', () => {
    const x = torch.tensor([1, 2]);
    const y = new (nn().Identity)(3, { anything: 1 }).forward(x);
    expect(y).not.toBe(x);
    y.dispose();
    expect(x.tolist()).toEqual([1, 2]);
    const seq = new (nn().Sequential)(new (nn().Identity)(), new (nn().Dropout)().eval(), new (nn().Identity)());
    const z = seq.forward(x);
    expect(z.tolist()).toEqual([1, 2]);
    expect(x.tolist()).toEqual([1, 2]);
  });
});

describe('ModuleList', () => {
  test('its modules take part in state_dict under their index', () => {
    class Blocks extends nn().Module {
      constructor() {
        super();
        this.layers = new (nn().ModuleList)([new (nn().Linear)(2, 2), new (nn().ReLU)(), new (nn().Linear)(2, 1)]);
      }

      forward(x) {
        let h = x;
        for (const layer of this.layers) h = layer.forward(h);
        return h;
      }
    }
    const b = new Blocks();
    expect(Object.keys(b.state_dict())).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.2.weight', 'layers.2.bias']);
    expect(b.layers[2]).toBeInstanceOf(nn().Linear);
    expect(b.layers.length).toBe(3);
    expect(b.forward([[1, 2]]).shape).toEqual([1, 1]);
    expect(() => new (nn().ModuleList)([1])).toThrow(/^ModuleList.append: module must be a torch.nn Module, got 1$/);
  });
});
