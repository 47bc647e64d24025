// Every name the package exports at run time is in the API reference
// (docs/API.md) and in the types (js/index.d.ts). The exported objects are
// walked, not listed here, so functions and layers added later are checked
// too: top-level exports, every namespace object under them (torch,
// torch.nn, torch.nn.functional, keras, keras.layers, ...), and the public
// members of every exported class (Tensor, layers, modules).
//
// docs/API.md: a name of namespace `torch.nn.functional` must appear in code
// (a `code span` or a fenced block) under a heading that names
// `torch.nn.functional` in a code span (or under a parent heading that
// does). A member of a class must appear so under a heading naming that
// class (`keras.layers.Conv1D`) or an exported base class
// (`keras.layers.Layer`).
//
// js/index.d.ts: read with the TypeScript compiler; each name must be a
// declared property of the matching type (index signatures do not count).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as nnwasm from '../../js/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ts = createRequire(import.meta.url)('typescript');

// Members every object or class has, and members the JS code uses between
// its own files (js/ops reads them); neither is API.
const NOT_API = new Set([
  'constructor', 'length', 'name', 'prototype', 'caller', 'arguments',
  'where', 'declaredInputShape', 'convConfig', 'kernelShape', 'poolOptions', 'derived', 'className',
  // Tensor's allocators for js/ops; the weight slots of the (unexported)
  // WeightedLayer base; the Keras layers' helpers that js/graph/fusion.js,
  // js/graph/functional.js and their own subclasses read.
  'planned', 'shapeOf', 'addWeight', 'weight', 'replaceWeight',
  'makeWeights', 'transposeGeometry', 'channelsLast', 'splitShape', 'geometry', 'outputShape', 'baseConfig',
  'convArgs', 'convKernel', 'groupedKernel', 'maskShape', 'alphaShape', 'fusedActivation', 'channelAxis',
  'amounts', 'reduce', 'takesList',
  // The small input prepack() runs a layer on (js/graph/prepack.js warmUpLayer).
  'warmUpShape',
]);

// Namespaces are plain objects or ES module namespace objects (null prototype).
const isPlainObject = (v) => v !== null && typeof v === 'object' &&
  [Object.prototype, null].includes(Object.getPrototypeOf(v));
const isClass = (v) => typeof v === 'function' && /^class\b/.test(Function.prototype.toString.call(v));

// -> { namespaces: Map(path -> names), classes: Map(class -> { paths, members, statics }) }
function walkRuntime() {
  const namespaces = new Map();
  const classes = new Map();
  const visit = (path, obj) => {
    const names = Object.keys(obj).filter((k) => !(path === 'nnwasm' && k === 'default'));
    namespaces.set(path, names);
    for (const k of names) {
      const v = obj[k];
      const child = path === 'nnwasm' ? k : `${path}.${k}`;
      if (isPlainObject(v) && !namespaces.has(child)) visit(child, v);
      if (isClass(v)) {
        if (!classes.has(v)) classes.set(v, { paths: [] });
        classes.get(v).paths.push(child);
      }
    }
  };
  visit('nnwasm', nnwasm);
  for (const [cls, info] of classes) {
    const members = new Map();  // name -> the class defining it (for the docs rule)
    for (let p = cls.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      for (const m of Object.getOwnPropertyNames(p)) if (!members.has(m)) members.set(m, p.constructor);
    }
    const statics = new Set();
    for (let c = cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
      for (const m of Object.getOwnPropertyNames(c)) statics.add(m);
    }
    const keep = (m) => !NOT_API.has(m) && !m.startsWith('_');
    info.members = [...members.keys()].filter(keep);
    info.statics = [...statics].filter(keep);
    info.ancestors = [];
    for (let c = Object.getPrototypeOf(cls); c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
      if (classes.has(c)) info.ancestors.push(c);
    }
  }
  return { namespaces, classes };
}

// docs/API.md -> [{ scopes: Set(paths named by the heading chain), code: Set(words in code) }]
function readReference() {
  const text = readFileSync(join(root, 'docs', 'API.md'), 'utf8');
  const sections = [];
  const stack = [];  // [{ level, scopes }]
  let current = { scopes: new Set(), code: new Set() };
  sections.push(current);
  let fenced = false;
  let prose = [];  // lines since the last heading or fence: code spans may wrap
  const addWords = (str) => {
    for (const w of str.match(/[A-Za-z_$][\w$]*/g) ?? []) current.code.add(w);
  };
  const flushProse = () => {
    for (const m of prose.join('\n').matchAll(/`([^`]+)`/g)) addWords(m[1]);
    prose = [];
  };
  for (const line of text.split('\n')) {
    if (/^```/.test(line)) {
      flushProse();
      fenced = !fenced;
      continue;
    }
    if (fenced) {
      addWords(line);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      flushProse();
      const level = heading[1].length;
      while (stack.length && stack[stack.length - 1].level >= level) stack.pop();
      const named = [...heading[2].matchAll(/`([^`]+)`/g)].map((m) => m[1].trim());
      const inherited = stack.length ? stack[stack.length - 1].scopes : new Set();
      const scopes = named.length ? new Set(named) : new Set(inherited);
      stack.push({ level, scopes });
      current = { scopes, code: new Set() };
      sections.push(current);
      for (const m of heading[2].matchAll(/`([^`]+)`/g)) addWords(m[1]);
      continue;
    }
    prose.push(line);
  }
  flushProse();
  return (scopes, name) => sections.some((s) => s.code.has(name) && scopes.some((p) => s.scopes.has(p)));
}

// js/index.d.ts -> lookups of declared property names by runtime path.
function readTypes() {
  const file = join(root, 'js', 'index.d.ts');
  const program = ts.createProgram([file], { noEmit: true, strict: true, types: [], skipLibCheck: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  const exportsOf = checker.getExportsOfModule(moduleSymbol);
  const typeOf = (symbol) => checker.getTypeOfSymbolAtLocation(symbol, source);
  const props = (type) => new Set(checker.getPropertiesOfType(type).map((p) => p.name));
  const top = new Map(exportsOf.map((s) => [s.name, s]));
  // The type of the value at a runtime path ('torch.nn.functional').
  const valueType = (path) => {
    const [first, ...rest] = path.split('.');
    const symbol = top.get(first);
    if (!symbol) return null;
    let type = typeOf(symbol);
    for (const k of rest) {
      const p = checker.getPropertyOfType(type, k);
      if (!p) return null;
      type = typeOf(p);
    }
    return type;
  };
  const instanceType = (ctorType) => {
    const sigs = ctorType.getConstructSignatures();
    return sigs.length ? checker.getReturnTypeOfSignature(sigs[0]) : null;
  };
  // Value exports (not `export type`, interfaces or type aliases): each must exist at run time.
  const isTypeOnly = (sym) => sym.declarations?.some((d) => d.isTypeOnly || d.parent?.parent?.isTypeOnly);
  const valueExports = exportsOf.filter((sym) => !isTypeOnly(sym) &&
    ((sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym).flags : sym.flags) & ts.SymbolFlags.Value))
    .map((sym) => sym.name);
  return {
    valueExports,
    topLevel: new Set(top.keys()),
    namespaceProps: (path) => {
      const t = valueType(path);
      return t ? props(t) : new Set();
    },
    classProps: (path) => {
      const t = valueType(path);
      if (!t) return { members: new Set(), statics: new Set() };
      const inst = instanceType(t) ?? (top.get(path) ? checker.getDeclaredTypeOfSymbol(top.get(path)) : null);
      return { members: inst ? props(inst) : new Set(), statics: props(t) };
    },
  };
}

const runtime = walkRuntime();
const documented = readReference();
const types = readTypes();

test('the walk finds the namespaces and classes of today\'s surface', () => {
  // Guards the walk itself: if it found nothing, the checks below would pass.
  expect([...runtime.namespaces.keys()]).toEqual(expect.arrayContaining(
    ['nnwasm', 'torch', 'torch.nn', 'torch.nn.functional', 'keras', 'keras.layers']));
  expect(runtime.namespaces.get('torch.nn.functional')).toEqual(expect.arrayContaining(['avg_pool1d', 'conv2d']));
  const tensor = runtime.classes.get(nnwasm.Tensor);
  expect(tensor.paths).toEqual(expect.arrayContaining(['Tensor', 'torch.Tensor']));
  expect(tensor.members).toEqual(expect.arrayContaining(['shape', 'reshape', 'dispose']));
  expect(runtime.classes.get(nnwasm.keras.layers.Conv1D).members).toEqual(expect.arrayContaining(['set_weights', 'apply']));
});

test('every exported name is in docs/API.md, in the section of its namespace', () => {
  const missing = [];
  for (const [path, names] of runtime.namespaces) {
    for (const name of names) if (!documented([path], name)) missing.push(`${path === 'nnwasm' ? '' : `${path}.`}${name}`);
  }
  expect(missing).toEqual([]);
});

test('every public member of an exported class is in docs/API.md, under that class or an exported base', () => {
  const missing = [];
  for (const [, info] of runtime.classes) {
    const scopes = [...info.paths, ...info.ancestors.flatMap((a) => runtime.classes.get(a).paths)];
    for (const m of [...info.members, ...info.statics]) {
      if (!documented(scopes, m)) missing.push(`${info.paths[0]}: ${m}`);
    }
  }
  expect(missing).toEqual([]);
});

test('every exported name is declared in js/index.d.ts', () => {
  const missing = [];
  for (const [path, names] of runtime.namespaces) {
    const declared = path === 'nnwasm' ? types.topLevel : types.namespaceProps(path);
    for (const name of names) if (!declared.has(name)) missing.push(`${path}.${name}`);
  }
  expect(missing).toEqual([]);
});

test('js/index.d.ts declares no value the package does not export', () => {
  expect(types.valueExports).toEqual(expect.arrayContaining(['init', 'torch', 'default']));
  expect(types.valueExports.filter((name) => !(name in nnwasm))).toEqual([]);
});

test('every public member of an exported class is declared in js/index.d.ts', () => {
  const missing = [];
  for (const [, info] of runtime.classes) {
    const declared = types.classProps(info.paths[0]);
    for (const m of info.members) if (!declared.members.has(m)) missing.push(`${info.paths[0]}#${m}`);
    for (const m of info.statics) if (!declared.statics.has(m)) missing.push(`${info.paths[0]}.${m}`);
  }
  expect(missing).toEqual([]);
});

test('the default export is the named exports, and docs/API.md ships in the package', () => {
  expect(Object.keys(nnwasm.default).sort()).toEqual(Object.keys(nnwasm).filter((k) => k !== 'default').sort());
  for (const [k, v] of Object.entries(nnwasm.default)) expect(v).toBe(nnwasm[k]);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  expect(pkg.files).toContain('docs/API.md');
});
