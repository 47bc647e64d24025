// Types for nnwasm's public API; docs/API.md is the reference they follow.
// Every name exported at run time is declared here (no index signatures):
// tests/js/boundary.api_reference.test.js checks it.

export type Shape = number[];
export type NestedArray = number | boolean | NestedArray[];
/** A Tensor, or a nested array of numbers (copied into a temporary tensor for the call). */
export type TensorLike = Tensor | NestedArray[];
/** One integer for every spatial dimension, or one per dimension. */
export type IntOrArray = number | number[];

export interface InitOptions {
  /** 'auto' (default: the hardware's threads, at most 8) or an integer >= 1; 1 starts no workers. */
  threads?: 'auto' | number;
  /** Default: detect. true requires SIMD128 (rejects without it); false loads the baseline build. */
  simd?: boolean;
  /** Folder holding the nnwasm .wasm and glue files: a path or file: URL in Node, a URL in browsers. Default: the package's dist/. */
  wasmDir?: string | URL;
  /** The chosen build's .wasm bytes, if the app loads them itself. */
  wasmBinary?: ArrayBuffer | Uint8Array;
}

export interface BackendInfo {
  /** 'simd-threads' (SharedArrayBuffer and more than one thread), 'simd' (one thread), or 'baseline' (no SIMD). */
  build: 'simd-threads' | 'simd' | 'baseline';
  simd: boolean;
  /** Threads ops run on now (torch.set_num_threads changes it). */
  threads: number;
  /** Whether 3x3 stride-1 convolutions may use the Winograd kernel (setWinograd). */
  winograd: boolean;
  /** The most threads this load can use. */
  maxThreads: number;
  /** Why this build was chosen, e.g. 'threads: 1 was asked for'. */
  reason: string;
  environment: 'node' | 'browser';
  /** Heap size, and tensor storages allocated and not yet freed. */
  memory: { heapBytes: number; tensors: number };
}

/**
 * Loads the WebAssembly module, choosing the fastest build the runtime
 * supports, and resolves to backend(). Later calls resolve to the same
 * backend; a later call whose options ask for another build or thread
 * count rejects (one process holds one module). Unknown options reject.
 */
export function init(options?: InitOptions): Promise<BackendInfo>;
/** Which build runs, why, on how many threads; throws before init() has resolved. */
export function backend(): BackendInfo;
/**
 * Whether 3x3 stride-1 undilated ungrouped convolutions with at least 16
 * input and output channels (either layout) run Winograd's F(4x4, 3x3)
 * (2-3x faster; results within ~1e-5 of the output's magnitude of the
 * direct kernel's, not bit-equal). Default true; false gives the direct
 * kernel everywhere. Takes effect on the next call.
 */
export function setWinograd(enabled: boolean): void;

/**
 * float32, dense, row-major values in the WebAssembly heap. Made by
 * torch.tensor / zeros / ..., Tensor.empty, and every op.
 */
export class Tensor {
  private constructor();
  /** A tensor of this shape with uninitialised values. */
  static empty(shape: Shape): Tensor;
  /** A tensor holding a copy of `values`; values.length must equal the shape's size. */
  static fromFloat32(values: Float32Array, shape: Shape): Tensor;
  /** A copy of the shape. */
  readonly shape: Shape;
  readonly ndim: number;
  readonly dtype: 'float32';
  /** The values, row-major: the caller's own copy (later ops never change it). */
  readonly data: Float32Array;
  readonly isDisposed: boolean;
  /** Byte offset of the values in the WebAssembly heap. */
  readonly ptr: number;
  /** The number of values (1 for a 0-d tensor). */
  numel(): number;
  size(): Shape;
  /** The size of one dimension; negative dims count from the end. */
  size(dim: number): number;
  /** The same as `data` (TensorFlow.js's name). */
  dataSync(): Float32Array;
  /** Nested arrays of numbers (a number for a 0-d tensor). */
  tolist(): any;
  /** The same values in a new shape, no copy; one -1 is inferred. */
  reshape(...shape: number[]): Tensor;
  reshape(shape: number[]): Tensor;
  /** The same as reshape. */
  view(...shape: number[]): Tensor;
  view(shape: number[]): Tensor;
  /** The dimensions reordered (values copied). */
  permute(...dims: number[]): Tensor;
  permute(dims: number[]): Tensor;
  /** A copy with its own storage. */
  clone(): Tensor;
  /** Frees the memory now; later use throws, a second dispose does nothing. */
  dispose(): void;
  /** 'Tensor(shape=[2, 3], dtype=float32)'. */
  toString(): string;
}

type Opts<T> = Partial<T>;

export interface AvgPool1dArgs { kernel_size: IntOrArray; stride: IntOrArray | null; padding: IntOrArray; ceil_mode: boolean; count_include_pad: boolean }
export interface AvgPool2dArgs extends AvgPool1dArgs { divisor_override: number | null }
export interface MaxPoolArgs { kernel_size: IntOrArray; stride: IntOrArray | null; padding: IntOrArray; dilation: IntOrArray; ceil_mode: boolean; return_indices: boolean }
export interface ConvArgs { bias: TensorLike | null; stride: IntOrArray; padding: IntOrArray | 'valid' | 'same'; dilation: IntOrArray; groups: number }
/** An output, or [output, indices] with return_indices (flat positions within each input plane, as float32). */
type Pooled = Tensor | [Tensor, Tensor];

/**
 * torch.nn.functional: channels first, (N, C, L) or (N, C, H, W), unbatched
 * (C, ...) accepted. Arguments positional in PyTorch's order, or by name in
 * a trailing options object (camelCase accepted).
 */
export interface Functional {
  /** Output (N, C, output_size); window i covers floor(i*L/out) to ceil((i+1)*L/out). */
  adaptive_avg_pool1d(input: TensorLike, output_size: IntOrArray | Opts<{ output_size: IntOrArray }>): Tensor;
  /** output_size an int or [h, w]; null keeps that input size. */
  adaptive_avg_pool2d(input: TensorLike, output_size: number | [number | null, number | null]): Tensor;
  adaptive_max_pool1d(input: TensorLike, output_size: IntOrArray, return_indices?: boolean | Opts<{ return_indices: boolean }>): Pooled;
  adaptive_max_pool2d(input: TensorLike, output_size: number | [number | null, number | null], return_indices?: boolean | Opts<{ return_indices: boolean }>): Pooled;
  /** (input, kernel_size, stride = kernel_size, padding = 0, ceil_mode = false, count_include_pad = true). */
  avg_pool1d(input: TensorLike, kernel_size: IntOrArray | Opts<AvgPool1dArgs>, ...rest: any[]): Tensor;
  /** (input, kernel_size, stride = kernel_size, padding = 0, ceil_mode = false, count_include_pad = true, divisor_override = null). */
  avg_pool2d(input: TensorLike, kernel_size: IntOrArray | Opts<AvgPool2dArgs>, ...rest: any[]): Tensor;
  /** (input, kernel_size, stride = kernel_size, padding = 0, dilation = 1, ceil_mode = false, return_indices = false). */
  max_pool1d(input: TensorLike, kernel_size: IntOrArray | Opts<MaxPoolArgs>, ...rest: any[]): Pooled;
  /** (input, kernel_size, stride = kernel_size, padding = 0, dilation = 1, ceil_mode = false, return_indices = false). */
  max_pool2d(input: TensorLike, kernel_size: IntOrArray | Opts<MaxPoolArgs>, ...rest: any[]): Pooled;
  /** max_pool1d with return_indices true: [output, indices]. */
  max_pool1d_with_indices(input: TensorLike, kernel_size: IntOrArray | Opts<MaxPoolArgs>, ...rest: any[]): [Tensor, Tensor];
  /** max_pool2d with return_indices true: [output, indices]. */
  max_pool2d_with_indices(input: TensorLike, kernel_size: IntOrArray | Opts<MaxPoolArgs>, ...rest: any[]): [Tensor, Tensor];
  /** (input, weight (out, in/groups, k), bias = null, stride = 1, padding = 0 | 'valid' | 'same', dilation = 1, groups = 1). */
  conv1d(input: TensorLike, weight: TensorLike, ...rest: any[]): Tensor;
  /** (input, weight (out, in/groups, kh, kw), bias = null, stride = 1, padding = 0 | 'valid' | 'same', dilation = 1, groups = 1). */
  conv2d(input: TensorLike, weight: TensorLike, ...rest: any[]): Tensor;
  /** y = x W^T + b on the last axis of any rank; weight (out, in). */
  linear(input: TensorLike, weight: TensorLike, bias?: TensorLike | null | Opts<{ bias: TensorLike | null }>): Tensor;
  /** Channel axis 1. training=true normalises by the batch and updates running_mean / running_var in place. */
  batch_norm(input: TensorLike, running_mean: TensorLike | null, running_var: TensorLike | null, ...rest: any[]): Tensor;
  relu(input: TensorLike, inplace?: boolean | Opts<{ inplace: boolean }>): Tensor;
  relu6(input: TensorLike, inplace?: boolean | Opts<{ inplace: boolean }>): Tensor;
  leaky_relu(input: TensorLike, negative_slope?: number | Opts<{ negative_slope: number; inplace: boolean }>, inplace?: boolean): Tensor;
  elu(input: TensorLike, alpha?: number | Opts<{ alpha: number; inplace: boolean }>, inplace?: boolean): Tensor;
  selu(input: TensorLike, inplace?: boolean | Opts<{ inplace: boolean }>): Tensor;
  gelu(input: TensorLike, approximate?: 'none' | 'tanh' | Opts<{ approximate: 'none' | 'tanh' }>): Tensor;
  silu(input: TensorLike, inplace?: boolean | Opts<{ inplace: boolean }>): Tensor;
  hardswish(input: TensorLike, inplace?: boolean | Opts<{ inplace: boolean }>): Tensor;
  hardsigmoid(input: TensorLike, inplace?: boolean | Opts<{ inplace: boolean }>): Tensor;
  sigmoid(input: TensorLike): Tensor;
  tanh(input: TensorLike): Tensor;
  softplus(input: TensorLike, beta?: number | Opts<{ beta: number; threshold: number }>, threshold?: number): Tensor;
  softsign(input: TensorLike): Tensor;
  softmax(input: TensorLike, dim?: number | null | Opts<{ dim: number | null }>): Tensor;
  log_softmax(input: TensorLike, dim?: number | null | Opts<{ dim: number | null }>): Tensor;
  /** pad in PyTorch's order [last_left, last_right, prev_left, prev_right, ...]; negative pads crop ('constant'). */
  pad(input: TensorLike, pad: number[], mode?: PadMode | Opts<{ mode: PadMode; value: number | null }>, value?: number | null): Tensor;
  interpolate(input: TensorLike, size?: IntOrArray | null | Opts<InterpolateArgs>, ...rest: any[]): Tensor;
  upsample(input: TensorLike, size?: IntOrArray | null | Opts<InterpolateArgs>, ...rest: any[]): Tensor;
  /** weight (in, out/groups, k). */
  conv_transpose1d(input: TensorLike, weight: TensorLike, ...rest: any[]): Tensor;
  /** weight (in, out/groups, kh, kw). */
  conv_transpose2d(input: TensorLike, weight: TensorLike, ...rest: any[]): Tensor;
  /** The identity unless training (default false); in training zeroes with probability p and scales by 1/(1-p). */
  dropout(input: TensorLike, p?: number | Opts<{ p: number; training: boolean; inplace: boolean }>, training?: boolean): Tensor;
}

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';
export type InterpolateMode = 'nearest' | 'linear' | 'bilinear';
export interface InterpolateArgs {
  size: IntOrArray | null;
  scale_factor: number | number[] | null;
  mode: InterpolateMode;
  align_corners: boolean | null;
  recompute_scale_factor: boolean | null;
  antialias: false;
}
export interface ConvTransposeArgs { bias: TensorLike | null; stride: IntOrArray; padding: IntOrArray; output_padding: IntOrArray; groups: number; dilation: IntOrArray }

/** The base of torch.nn modules: subclass it and override forward. */
declare class TorchModule {
  /** Parameters, buffers and submodules set as attributes, as in PyTorch (module.weight, this.conv1 = new Conv2d(...)). */
  [attribute: string]: any;
  /** Runs the module. */
  forward(input: TensorLike): any;
  /** The same as forward (PyTorch calls modules like functions). */
  call(input: TensorLike): any;
  /** PyTorch's repr, e.g. 'MaxPool2d(kernel_size=2, ...)'. */
  toString(): string;
  /** true after construction, as in PyTorch; eval() sets false (BatchNorm, Dropout). */
  training: boolean;
  train(mode?: boolean): this;
  eval(): this;
  children(): TorchModule[];
  named_children(): [string, TorchModule][];
  modules(): TorchModule[];
  named_modules(): [string, TorchModule][];
  parameters(recurse?: boolean): Tensor[];
  named_parameters(prefix?: string, recurse?: boolean): [string, Tensor][];
  buffers(recurse?: boolean): Tensor[];
  named_buffers(prefix?: string, recurse?: boolean): [string, Tensor][];
  register_parameter(name: string, tensor: Tensor | null): void;
  register_buffer(name: string, tensor: Tensor | null): void;
  add_module(name: string, module: TorchModule | null): void;
  /** The same as add_module. */
  register_module(name: string, module: TorchModule | null): void;
  /** PyTorch's dotted names ('features.1.running_mean') -> the module's own tensors (no copy). */
  state_dict(): Record<string, Tensor>;
  /** Copies the values in; strict: missing / unexpected keys throw PyTorch's message. Shape mismatches always throw; nothing loads unless all does. */
  load_state_dict(state_dict: Record<string, Tensor | NestedArray[]> | Map<string, Tensor | NestedArray[]>, strict?: boolean):
    { missing_keys: string[]; unexpected_keys: string[] };
  /** Frees every parameter and buffer now. */
  dispose(): void;
  /** Packs the module's weights for the kernels and runs it once on a small input (Conv*d, ConvTranspose*d, Linear: done on construction and load_state_dict; others: nothing). */
  prepack(): void;
  extra_repr(): string;
}
type ModuleClass = new (...args: any[]) => TorchModule;
/** torch.nn.Conv1d / Conv2d: weight (out, in/groups, k...) and bias, initialised as PyTorch does. */
export interface ConvModule extends TorchModule {
  weight: Tensor;
  bias: Tensor | null;
  /** [weight, bias], or [weight] without bias. */
  parameters(): Tensor[];
  /** Frees the weight and bias now. */
  dispose(): void;
}

export interface TorchNN {
  functional: Functional;
  Module: typeof TorchModule;
  /** (output_size) */
  AdaptiveAvgPool1d: ModuleClass;
  /** (output_size): an int or [h, w], null keeping that size */
  AdaptiveAvgPool2d: ModuleClass;
  /** (output_size, return_indices = false) */
  AdaptiveMaxPool1d: ModuleClass;
  /** (output_size, return_indices = false) */
  AdaptiveMaxPool2d: ModuleClass;
  /** (kernel_size, stride = kernel_size, padding = 0, ceil_mode = false, count_include_pad = true) */
  AvgPool1d: ModuleClass;
  /** (kernel_size, stride = kernel_size, padding = 0, ceil_mode = false, count_include_pad = true, divisor_override = null) */
  AvgPool2d: ModuleClass;
  /** (kernel_size, stride = kernel_size, padding = 0, dilation = 1, return_indices = false, ceil_mode = false) */
  MaxPool1d: ModuleClass;
  /** (kernel_size, stride = kernel_size, padding = 0, dilation = 1, return_indices = false, ceil_mode = false) */
  MaxPool2d: ModuleClass;
  /** (in_channels, out_channels, kernel_size, stride = 1, padding = 0, dilation = 1, groups = 1, bias = true, padding_mode = 'zeros') */
  Conv1d: new (...args: any[]) => ConvModule;
  /** (in_channels, out_channels, kernel_size, stride = 1, padding = 0, dilation = 1, groups = 1, bias = true, padding_mode = 'zeros') */
  Conv2d: new (...args: any[]) => ConvModule;
  Sequential: new (...modules: TorchModule[] | [Record<string, TorchModule> | Map<string, TorchModule>]) => SequentialModule;
  Linear: new (in_features: number, out_features: number, bias?: boolean | Opts<{ bias: boolean }>) => ConvModule;
  Identity: ModuleClass;
  BatchNorm1d: new (num_features: number, ...rest: any[]) => BatchNormModule;
  BatchNorm2d: new (num_features: number, ...rest: any[]) => BatchNormModule;
  BatchNorm3d: new (num_features: number, ...rest: any[]) => BatchNormModule;
  ReLU: ModuleClass; ReLU6: ModuleClass; LeakyReLU: ModuleClass; ELU: ModuleClass; SELU: ModuleClass; GELU: ModuleClass;
  SiLU: ModuleClass; Hardswish: ModuleClass; Hardsigmoid: ModuleClass; Sigmoid: ModuleClass; Tanh: ModuleClass;
  Softplus: ModuleClass; Softsign: ModuleClass; Softmax: ModuleClass; LogSoftmax: ModuleClass;
  Flatten: ModuleClass; Dropout: ModuleClass;
  ZeroPad1d: ModuleClass; ZeroPad2d: ModuleClass; ZeroPad3d: ModuleClass;
  ConstantPad1d: ModuleClass; ConstantPad2d: ModuleClass; ConstantPad3d: ModuleClass;
  ReflectionPad1d: ModuleClass; ReflectionPad2d: ModuleClass; ReflectionPad3d: ModuleClass;
  ReplicationPad1d: ModuleClass; ReplicationPad2d: ModuleClass; ReplicationPad3d: ModuleClass;
  CircularPad1d: ModuleClass; CircularPad2d: ModuleClass; CircularPad3d: ModuleClass;
  Upsample: new (size?: IntOrArray | null | Opts<InterpolateArgs>, ...rest: any[]) => TorchModule;
  UpsamplingNearest2d: ModuleClass;
  UpsamplingBilinear2d: ModuleClass;
  ModuleList: new (modules?: TorchModule[]) => SequentialModule;
  ConvTranspose1d: new (...args: any[]) => ConvModule & { forward(input: TensorLike, output_size?: number[] | null): Tensor };
  ConvTranspose2d: new (...args: any[]) => ConvModule & { forward(input: TensorLike, output_size?: number[] | null): Tensor };
}
export interface BatchNormModule extends TorchModule {
  num_features: number;
  eps: number;
  momentum: number | null;
  weight: Tensor | null;
  bias: Tensor | null;
  running_mean: Tensor | null;
  running_var: Tensor | null;
  num_batches_tracked: number;
}
export interface SequentialModule extends TorchModule, Iterable<TorchModule> {
  readonly length: number;
  [index: number]: TorchModule;
  at(index: number): TorchModule;
  append(module: TorchModule): this;
}

export interface Torch {
  /** The Tensor class. */
  Tensor: typeof Tensor;
  /** A safetensors file -> { name: Tensor } (F32, F16, BF16; F64 and integer dtypes converted too); the file's metadata as the non-enumerable __metadata__. */
  load_safetensors(bytes: ArrayBuffer | ArrayBufferView): Record<string, Tensor> & { readonly __metadata__?: Record<string, string> | null };
  /** { name: Tensor | nested array } -> the bytes of a safetensors file (F32). */
  save_safetensors(dict: Record<string, Tensor | NestedArray[]>, metadata?: Record<string, string> | null): Uint8Array;
  /** 'float32', the one dtype. */
  float32: 'float32';
  /** From a nested array (shape inferred), a typed or plain array with shape, a number (0-d), or a Tensor (copied). */
  tensor(values: NestedArray[] | Float32Array | ArrayLike<number> | number | Tensor, shape?: Shape): Tensor;
  /** Shape as integers or one array: zeros(2, 3) or zeros([2, 3]). */
  zeros(...shape: number[] | [number[]]): Tensor;
  ones(...shape: number[] | [number[]]): Tensor;
  /** Uniform on [0, 1), from the stream manual_seed seeds. */
  rand(...shape: number[] | [number[]]): Tensor;
  /** Standard normal, from the stream manual_seed seeds. */
  randn(...shape: number[] | [number[]]): Tensor;
  /** [0, 1, ..., n-1]. */
  arange(n: number): Tensor;
  /** Seeds rand, randn, module weights and the Keras initializers. */
  manual_seed(seed: number): void;
  /** Threads ops run on (n >= 1), clamped to backend().maxThreads. */
  set_num_threads(n: number): void;
  get_num_threads(): number;
  nn: TorchNN;
  /** torch.cat; also torch.concat, torch.concatenate. */
  cat(tensors: TensorLike[], dim?: number | Opts<{ dim: number }>): Tensor;
  concat(tensors: TensorLike[], dim?: number | Opts<{ dim: number }>): Tensor;
  concatenate(tensors: TensorLike[], dim?: number | Opts<{ dim: number }>): Tensor;
  /** input + alpha * other, PyTorch broadcasting; other may be a number. */
  add(input: TensorLike | number, other: TensorLike | number, alpha?: number | Opts<{ alpha: number }>): Tensor;
  sub(input: TensorLike | number, other: TensorLike | number, alpha?: number | Opts<{ alpha: number }>): Tensor;
  mul(input: TensorLike | number, other: TensorLike | number): Tensor;
  div(input: TensorLike | number, other: TensorLike | number): Tensor;
  maximum(input: TensorLike, other: TensorLike): Tensor;
  minimum(input: TensorLike, other: TensorLike): Tensor;
  /** A new tensor over the same values with dims start_dim..end_dim merged. */
  flatten(input: TensorLike, start_dim?: number | Opts<{ start_dim: number; end_dim: number }>, end_dim?: number): Tensor;
}

export type DataFormat = 'channels_last' | 'channels_first';
/** A Keras shape: null for a size not known yet (the batch, usually). */
export type LayerShape = (number | null)[];

/** Options every layer takes; snake_case as Keras, camelCase as TensorFlow.js. */
export interface LayerOptions {
  /** Default: a unique name from the class (conv2d, conv2d_1, ...). */
  name?: string;
  trainable?: boolean;
  /** Only 'float32'. */
  dtype?: 'float32';
  /** Input shape without the batch; the layer builds at once. */
  input_shape?: LayerShape;
  inputShape?: LayerShape;
  batch_input_shape?: LayerShape;
  batchInputShape?: LayerShape;
  batch_size?: number;
  batchSize?: number;
}

export interface GlobalPoolingOptions extends LayerOptions {
  /** 'channels_last' (default): (batch, steps, channels); 'channels_first': (batch, channels, steps). */
  data_format?: DataFormat;
  dataFormat?: DataFormat;
  /** Keep the pooled dimensions as size 1 (default false). */
  keepdims?: boolean;
}

export interface PoolingOptions extends LayerOptions {
  /** Default 2 (1D) or [2, 2] (2D). */
  pool_size?: IntOrArray;
  poolSize?: IntOrArray;
  /** Default null: pool_size. */
  strides?: IntOrArray | null;
  /** 'valid' (default): floor((L - pool_size) / strides) + 1; 'same': ceil(L / strides), averaging real cells only. */
  padding?: 'valid' | 'same';
  data_format?: DataFormat;
  dataFormat?: DataFormat;
}

export type ActivationName = 'linear' | 'relu' | 'relu6' | 'sigmoid' | 'tanh' | 'elu' | 'selu' | 'gelu' | 'swish' |
  'silu' | 'softplus' | 'softsign' | 'hard_sigmoid' | 'softmax';
/** Activation layer names: ActivationName plus these (Keras 3 defaults: leaky_relu slope 0.2). */
export type ActivationLayerName = ActivationName | 'hard_swish' | 'hard_silu' | 'leaky_relu' | 'log_softmax';
export type InitializerName = 'glorot_uniform' | 'glorot_normal' | 'he_uniform' | 'he_normal' | 'zeros' | 'ones' |
  'random_normal' | 'random_uniform';
/** A name, a class name ('GlorotUniform'), or { class_name, config }. */
export type InitializerSpec = InitializerName | string | { class_name: string; config?: Record<string, any> };

export interface ConvOptions extends LayerOptions {
  /** Output channels (required); a multiple of groups. */
  filters: number;
  /** Required. */
  kernel_size?: IntOrArray;
  kernelSize?: IntOrArray;
  /** Default 1; not together with dilation_rate > 1. */
  strides?: IntOrArray;
  /** 'valid' (default), 'same', or 'causal' (Conv1D). */
  padding?: 'valid' | 'same' | 'causal';
  /** Default 'channels_last'. */
  data_format?: DataFormat;
  dataFormat?: DataFormat;
  /** Default 1. */
  dilation_rate?: IntOrArray;
  dilationRate?: IntOrArray;
  /** Default 1. */
  groups?: number;
  /** Default null (linear); a name or a JS function called on the output. */
  activation?: ActivationName | null | ((x: Tensor) => Tensor);
  /** Default true. */
  use_bias?: boolean;
  useBias?: boolean;
  /** Default 'glorot_uniform'. */
  kernel_initializer?: InitializerSpec;
  kernelInitializer?: InitializerSpec;
  /** Default 'zeros'. */
  bias_initializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  /** Accepted for saved configs; inference does not use them. */
  kernel_regularizer?: any;
  kernelRegularizer?: any;
  bias_regularizer?: any;
  biasRegularizer?: any;
  activity_regularizer?: any;
  activityRegularizer?: any;
  kernel_constraint?: any;
  kernelConstraint?: any;
  bias_constraint?: any;
  biasConstraint?: any;
}

/** The base of every Keras-style layer. */
declare class Layer {
  constructor(options?: LayerOptions);
  readonly name: string;
  trainable: boolean;
  built: boolean;
  /** The layer's own weight tensors ([] for layers without). */
  readonly weights: Tensor[];
  /** Merge layers take an array of inputs. */
  apply(inputs: TensorLike | TensorLike[], kwargs?: { mask?: TensorLike | boolean[][] | null; training?: boolean }): Tensor;
  /** On symbolic tensors (keras.Input, other layers' outputs): records a graph node. */
  apply(inputs: SymbolicTensor | SymbolicTensor[], kwargs?: { training?: boolean }): SymbolicTensor;
  /** Runs a built layer. */
  call(inputs: TensorLike, mask?: TensorLike | boolean[][] | null | { mask?: TensorLike | boolean[][] | null }): Tensor;
  /** Makes the weights for inputs of this shape (batch first, null = any). */
  build(input_shape: LayerShape): void;
  /** The output shape; null sizes stay null. */
  compute_output_shape(input_shape: LayerShape): LayerShape;
  /** The symbolic input(s) of the layer's one call in a functional graph; throws if it was called 0 or several times. */
  readonly input: SymbolicTensor | SymbolicTensor[];
  /** The symbolic output(s) of that call (e.g. new keras.Model({ inputs, outputs: [model.get_layer('conv1').output] })). */
  readonly output: SymbolicTensor | SymbolicTensor[];
  /** Number of weight values; throws before build for layers with weights. */
  count_params(): number;
  /** Copies of the weights, in Keras's layouts. */
  get_weights(): Tensor[];
  /** Replaces the weights after checking count and shapes. */
  set_weights(weights: (Tensor | NestedArray[])[]): void;
  /** Packs the weights for the kernels (and runs once on a small input) now; build and set_weights do it. Nothing for layers without packed weights. */
  prepack(): void;
  /** Plain JSON-able object, snake_case keys, with name. */
  get_config(): Record<string, any>;
  /** 'Conv2D(name=conv2d, input_shape=[None, 8, 8, 3])'. */
  toString(): string;
  /** A new layer of this class from get_config()'s output. */
  static from_config<T extends Layer>(this: new (o: any) => T, config: Record<string, any>): T;
}

declare class GlobalPoolingLayer extends Layer { constructor(options?: GlobalPoolingOptions) }
declare class PoolingLayer extends Layer { constructor(options?: PoolingOptions) }
declare class WeightedLayer extends Layer {
  /** Keras's weight names, in get_weights order. */
  readonly weightNames: string[];
  readonly trainable_weights: Tensor[];
  readonly non_trainable_weights: Tensor[];
  /** Frees the layer's weights now. */
  dispose(): void;
}
declare class ConvLayer extends WeightedLayer {
  constructor(options: ConvOptions);
  /** (kernel_size..., in/groups, filters), once built. */
  kernel: Tensor | null;
  /** (filters), once built with use_bias. */
  bias: Tensor | null;
  /** Frees the weights now. */
  dispose(): void;
}

declare class Sequential extends Layer {
  /** new Sequential([layers], { name }) as Keras, or new Sequential({ layers, name }) as tf.sequential. */
  constructor(layers?: Layer[] | { layers?: Layer[]; name?: string }, options?: LayerOptions);
  /** A copy of the layer list. */
  readonly layers: Layer[];
  /** With the batch; null until built. */
  readonly input_shape: LayerShape | null;
  readonly output_shape: LayerShape | null;
  /** Adds a layer on top; refused if it cannot take the shape before it. */
  add(layer: Layer): void;
  /** Removes and returns the top layer. */
  pop(): Layer;
  /** A layer by name or index (negative counts from the end). */
  get_layer(nameOrIndex: string | number): Layer;
  /** Runs the layers back to back on heap tensors; intermediates are freed. */
  predict(x: TensorLike, options?: PredictOptions): Tensor;
  /** The steps predict runs, by layer name; fused chains read 'pad+conv+bn+relu'. */
  executionPlan(options?: PredictOptions): string[];
  /** Folds BatchNorm into the convolutions and packs every weight now (the constructor, build and set_weights do it; after add(), predict does). */
  prepack(): void;
  dispose(): void;
  /** Keras's summary table, as a string. */
  summary(): string;
  /** A model from get_config()'s output; custom_objects maps class names to classes not registered. */
  /** Writes TensorFlow.js's layers-model format (see SaveTarget); resolves to the artifacts when target is omitted. */
  save(target?: SaveTarget): Promise<ModelArtifacts | SaveResult | any>;
  static from_config(config: Record<string, any>, custom_objects?: Record<string, any>): any;
}

/** A tensor of the functional graph: keras.Input's result, or a layer applied to one. */
declare class SymbolicTensor {
  readonly shape: LayerShape;
  readonly name: string;
  readonly ndim: number;
  readonly dtype: 'float32';
}

type Initializer = InitializerName | { class_name: string; config?: Record<string, any> };
type ActivationArg = ActivationName | null | ((x: Tensor) => Tensor);
type Reg = { kernel_regularizer?: any; bias_regularizer?: any; activity_regularizer?: any; kernel_constraint?: any; bias_constraint?: any };

export interface DenseOptions extends LayerOptions, Reg {
  units: number; activation?: ActivationArg; use_bias?: boolean; useBias?: boolean;
  kernel_initializer?: Initializer; kernelInitializer?: Initializer; bias_initializer?: Initializer; biasInitializer?: Initializer;
}
export interface BatchNormalizationOptions extends LayerOptions {
  axis?: number; momentum?: number; epsilon?: number; center?: boolean; scale?: boolean;
  beta_initializer?: Initializer; gamma_initializer?: Initializer; moving_mean_initializer?: Initializer; moving_variance_initializer?: Initializer;
  betaInitializer?: Initializer; gammaInitializer?: Initializer; movingMeanInitializer?: Initializer; movingVarianceInitializer?: Initializer;
}
export interface ReLUOptions extends LayerOptions { max_value?: number | null; maxValue?: number | null; negative_slope?: number; negativeSlope?: number; threshold?: number }
/** negative_slope (Keras 3, default 0.3) or alpha (tf.keras 2 / TensorFlow.js). */
export interface LeakyReLUOptions extends LayerOptions { negative_slope?: number; negativeSlope?: number; alpha?: number }
export interface PReLUOptions extends LayerOptions { alpha_initializer?: Initializer; alphaInitializer?: Initializer; shared_axes?: number | number[] | null; sharedAxes?: number | number[] | null }
export interface DropoutOptions extends LayerOptions { rate: number; seed?: number | null; noise_shape?: (number | null)[] | null; noiseShape?: (number | null)[] | null; data_format?: DataFormat; dataFormat?: DataFormat }
type Pairs = number | number[] | [number, number][];
export interface ZeroPaddingOptions extends LayerOptions { padding?: Pairs; data_format?: DataFormat; dataFormat?: DataFormat }
export interface CroppingOptions extends LayerOptions { cropping?: Pairs; data_format?: DataFormat; dataFormat?: DataFormat }
export interface UpSamplingOptions extends LayerOptions { size?: IntOrArray; data_format?: DataFormat; dataFormat?: DataFormat; interpolation?: 'nearest' | 'bilinear' }
export interface ConvVariantOptions extends LayerOptions, Reg {
  kernel_size?: IntOrArray; kernelSize?: IntOrArray; strides?: IntOrArray; padding?: 'valid' | 'same';
  data_format?: DataFormat; dataFormat?: DataFormat; dilation_rate?: IntOrArray; dilationRate?: IntOrArray;
  activation?: ActivationArg; use_bias?: boolean; useBias?: boolean; bias_initializer?: Initializer; biasInitializer?: Initializer;
}
export interface DepthwiseConvOptions extends ConvVariantOptions {
  depth_multiplier?: number; depthMultiplier?: number; depthwise_initializer?: Initializer; depthwiseInitializer?: Initializer;
}
export interface SeparableConvOptions extends DepthwiseConvOptions { filters: number; pointwise_initializer?: Initializer; pointwiseInitializer?: Initializer }
export interface ConvTransposeOptions extends ConvVariantOptions {
  filters: number; output_padding?: IntOrArray | null; outputPadding?: IntOrArray | null; kernel_initializer?: Initializer; kernelInitializer?: Initializer;
}

declare class Dense extends WeightedLayer { constructor(options: DenseOptions); readonly units: number; readonly kernel: Tensor; readonly bias: Tensor | null }
/** Inference uses the moving statistics; apply(x, { training: true }) the batch's, and moves them. */
declare class BatchNormalization extends WeightedLayer {
  constructor(options?: BatchNormalizationOptions);
  readonly axis: number; readonly epsilon: number; readonly momentum: number;
  readonly gamma: Tensor | null; readonly beta: Tensor | null; readonly moving_mean: Tensor; readonly moving_variance: Tensor;
}
declare class Activation extends Layer { constructor(options: { activation: ActivationLayerName | ((x: Tensor) => Tensor) } & LayerOptions | ActivationLayerName | ((x: Tensor) => Tensor)) }
declare class ReLU extends Layer { constructor(options?: ReLUOptions) }
declare class LeakyReLU extends Layer { constructor(options?: LeakyReLUOptions) }
declare class PReLU extends WeightedLayer { constructor(options?: PReLUOptions) }
declare class ELU extends Layer { constructor(options?: LayerOptions & { alpha?: number }) }
declare class Softmax extends Layer { constructor(options?: LayerOptions & { axis?: number }) }
declare class Flatten extends Layer { constructor(options?: LayerOptions & { data_format?: DataFormat; dataFormat?: DataFormat }) }
declare class Reshape extends Layer { constructor(options: LayerOptions & { target_shape?: number[]; targetShape?: number[] }) }
declare class Permute extends Layer { constructor(options: LayerOptions & { dims: number[] }) }
declare class Dropout extends Layer { constructor(options: DropoutOptions) }
declare class ZeroPaddingLayer extends Layer { constructor(options?: ZeroPaddingOptions) }
declare class CroppingLayer extends Layer { constructor(options?: CroppingOptions) }
declare class UpSamplingLayer extends Layer { constructor(options?: UpSamplingOptions) }
/** Merge layers take an array: new Add().apply([a, b]). */
declare class MergeLayer extends Layer { constructor(options?: LayerOptions) }
declare class Concatenate extends MergeLayer { constructor(options?: LayerOptions & { axis?: number }) }
/** depthwise_kernel (k..., in, depth_multiplier), bias (in * depth_multiplier). */
declare class DepthwiseConvLayer extends WeightedLayer {
  constructor(options: DepthwiseConvOptions);
  /** (k..., in, depth_multiplier), once built. */
  readonly depthwise_kernel: Tensor | null;
  /** (in * depth_multiplier), once built with use_bias. */
  readonly bias: Tensor | null;
}
/** depthwise_kernel, pointwise_kernel (1..., in * depth_multiplier, filters), bias. */
declare class SeparableConvLayer extends WeightedLayer { constructor(options: SeparableConvOptions) }
/** kernel (k..., filters, in), bias (filters). */
declare class ConvTransposeLayer extends WeightedLayer {
  constructor(options: ConvTransposeOptions);
  /** (k..., filters, in), once built. */
  readonly kernel: Tensor | null;
  /** (filters), once built with use_bias. */
  readonly bias: Tensor | null;
}

export interface PredictOptions {
  /** false runs every layer on its own (no Conv+BatchNorm+activation fusion); default true. */
  fuse?: boolean;
}

export interface InputOptions { shape?: LayerShape; batch_size?: number | null; batchSize?: number | null; batch_shape?: LayerShape; batchShape?: LayerShape; name?: string }
declare class InputLayer extends Layer { constructor(options: InputOptions); readonly output: SymbolicTensor }

/** The functional model: a graph of layers from inputs to outputs. */
declare class Model extends Layer {
  constructor(options: { inputs: SymbolicTensor | SymbolicTensor[]; outputs: SymbolicTensor | SymbolicTensor[]; name?: string; trainable?: boolean });
  readonly layers: Layer[];
  readonly inputs: SymbolicTensor[];
  readonly outputs: SymbolicTensor[];
  readonly input_shape: LayerShape | LayerShape[];
  readonly output_shape: LayerShape | LayerShape[];
  get_layer(nameOrIndex: string | number): Layer;
  /** x: one tensor, an array (one per input), or an object by input name. Intermediates are freed as soon as no later layer needs them. */
  predict(x: TensorLike | TensorLike[] | Record<string, TensorLike>, options?: PredictOptions): Tensor | Tensor[];
  /** Keras's summary table with the "Connected to" column, as a string. */
  summary(): string;
  /** The steps predict runs, by layer name; fused chains read 'pad+conv+bn+relu'. */
  executionPlan(options?: PredictOptions): string[];
  /** Folds BatchNorm into the convolutions and packs every weight now (done when the model is made, by set_weights and by load_model). */
  prepack(): void;
  /** Frees the fusion pass's folded weights (the layers keep theirs). */
  dispose(): void;
  /** Writes TensorFlow.js's layers-model format (see SaveTarget); resolves to the artifacts when target is omitted. */
  save(target?: SaveTarget): Promise<ModelArtifacts | SaveResult | any>;
  static from_config(config: Record<string, any>, custom_objects?: Record<string, any>): any;
}

type Factory<C extends abstract new (...args: any) => any> = (options?: ConstructorParameters<C>[0]) => InstanceType<C>;

export interface KerasLayers {
  Layer: typeof Layer;
  /** { data_format = 'channels_last', keepdims = false }: (batch, steps, channels) -> (batch, channels); a mask leaves steps out. */
  GlobalAveragePooling1D: typeof GlobalPoolingLayer;
  /** { data_format, keepdims }: (batch, rows, cols, channels) -> (batch, channels). */
  GlobalAveragePooling2D: typeof GlobalPoolingLayer;
  GlobalMaxPooling1D: typeof GlobalPoolingLayer;
  GlobalMaxPooling2D: typeof GlobalPoolingLayer;
  GlobalAvgPool1D: typeof GlobalPoolingLayer;
  GlobalAvgPool2D: typeof GlobalPoolingLayer;
  GlobalMaxPool1D: typeof GlobalPoolingLayer;
  GlobalMaxPool2D: typeof GlobalPoolingLayer;
  /** { pool_size = 2, strides = pool_size, padding = 'valid', data_format = 'channels_last' }. */
  AveragePooling1D: typeof PoolingLayer;
  /** { pool_size = [2, 2], strides = pool_size, padding = 'valid', data_format = 'channels_last' }. */
  AveragePooling2D: typeof PoolingLayer;
  MaxPooling1D: typeof PoolingLayer;
  MaxPooling2D: typeof PoolingLayer;
  AvgPool1D: typeof PoolingLayer;
  AvgPool2D: typeof PoolingLayer;
  MaxPool1D: typeof PoolingLayer;
  MaxPool2D: typeof PoolingLayer;
  /** { filters, kernel_size, strides = 1, padding = 'valid', ... }; kernel (k, in/groups, filters). */
  Conv1D: typeof ConvLayer;
  /** { filters, kernel_size, strides = 1, padding = 'valid', ... }; kernel (kh, kw, in/groups, filters). */
  Conv2D: typeof ConvLayer;
  Convolution1D: typeof ConvLayer;
  Convolution2D: typeof ConvLayer;
  Dense: typeof Dense;
  BatchNormalization: typeof BatchNormalization;
  Activation: typeof Activation;
  ReLU: typeof ReLU;
  LeakyReLU: typeof LeakyReLU;
  PReLU: typeof PReLU;
  ELU: typeof ELU;
  Softmax: typeof Softmax;
  Flatten: typeof Flatten;
  Reshape: typeof Reshape;
  Permute: typeof Permute;
  Dropout: typeof Dropout;
  SpatialDropout1D: typeof Dropout;
  SpatialDropout2D: typeof Dropout;
  ZeroPadding1D: typeof ZeroPaddingLayer;
  ZeroPadding2D: typeof ZeroPaddingLayer;
  Cropping1D: typeof CroppingLayer;
  Cropping2D: typeof CroppingLayer;
  UpSampling1D: typeof UpSamplingLayer;
  UpSampling2D: typeof UpSamplingLayer;
  Add: typeof MergeLayer;
  Subtract: typeof MergeLayer;
  Multiply: typeof MergeLayer;
  Average: typeof MergeLayer;
  Maximum: typeof MergeLayer;
  Minimum: typeof MergeLayer;
  Concatenate: typeof Concatenate;
  DepthwiseConv1D: typeof DepthwiseConvLayer;
  DepthwiseConv2D: typeof DepthwiseConvLayer;
  SeparableConv1D: typeof SeparableConvLayer;
  SeparableConv2D: typeof SeparableConvLayer;
  Conv1DTranspose: typeof ConvTransposeLayer;
  Conv2DTranspose: typeof ConvTransposeLayer;
  Convolution1DTranspose: typeof ConvTransposeLayer;
  Convolution2DTranspose: typeof ConvTransposeLayer;
  InputLayer: typeof InputLayer;
  // TensorFlow.js's factory spellings: layers.conv2d({...}) is new layers.Conv2D({...}).
  globalAveragePooling1d: Factory<typeof GlobalPoolingLayer>;
  globalAveragePooling2d: Factory<typeof GlobalPoolingLayer>;
  globalMaxPooling1d: Factory<typeof GlobalPoolingLayer>;
  globalMaxPooling2d: Factory<typeof GlobalPoolingLayer>;
  globalAvgPool1d: Factory<typeof GlobalPoolingLayer>;
  globalAvgPool2d: Factory<typeof GlobalPoolingLayer>;
  globalMaxPool1d: Factory<typeof GlobalPoolingLayer>;
  globalMaxPool2d: Factory<typeof GlobalPoolingLayer>;
  averagePooling1d: Factory<typeof PoolingLayer>;
  averagePooling2d: Factory<typeof PoolingLayer>;
  maxPooling1d: Factory<typeof PoolingLayer>;
  maxPooling2d: Factory<typeof PoolingLayer>;
  avgPool1d: Factory<typeof PoolingLayer>;
  avgPool2d: Factory<typeof PoolingLayer>;
  maxPool1d: Factory<typeof PoolingLayer>;
  maxPool2d: Factory<typeof PoolingLayer>;
  conv1d: Factory<typeof ConvLayer>;
  conv2d: Factory<typeof ConvLayer>;
  convolution1d: Factory<typeof ConvLayer>;
  convolution2d: Factory<typeof ConvLayer>;
  dense: Factory<typeof Dense>;
  batchNormalization: Factory<typeof BatchNormalization>;
  activation: Factory<typeof Activation>;
  reLU: Factory<typeof ReLU>;
  leakyReLU: Factory<typeof LeakyReLU>;
  prelu: Factory<typeof PReLU>;
  elu: Factory<typeof ELU>;
  softmax: Factory<typeof Softmax>;
  flatten: Factory<typeof Flatten>;
  reshape: Factory<typeof Reshape>;
  permute: Factory<typeof Permute>;
  dropout: Factory<typeof Dropout>;
  spatialDropout1d: Factory<typeof Dropout>;
  spatialDropout2d: Factory<typeof Dropout>;
  zeroPadding1d: Factory<typeof ZeroPaddingLayer>;
  zeroPadding2d: Factory<typeof ZeroPaddingLayer>;
  cropping1d: Factory<typeof CroppingLayer>;
  cropping2d: Factory<typeof CroppingLayer>;
  /** The same as cropping2d (TensorFlow.js spells it so too). */
  cropping2D: Factory<typeof CroppingLayer>;
  upSampling1d: Factory<typeof UpSamplingLayer>;
  upSampling2d: Factory<typeof UpSamplingLayer>;
  add: Factory<typeof MergeLayer>;
  subtract: Factory<typeof MergeLayer>;
  multiply: Factory<typeof MergeLayer>;
  average: Factory<typeof MergeLayer>;
  maximum: Factory<typeof MergeLayer>;
  minimum: Factory<typeof MergeLayer>;
  concatenate: Factory<typeof Concatenate>;
  depthwiseConv1d: Factory<typeof DepthwiseConvLayer>;
  depthwiseConv2d: Factory<typeof DepthwiseConvLayer>;
  separableConv1d: Factory<typeof SeparableConvLayer>;
  separableConv2d: Factory<typeof SeparableConvLayer>;
  conv1dTranspose: Factory<typeof ConvTransposeLayer>;
  conv2dTranspose: Factory<typeof ConvTransposeLayer>;
  convolution1dTranspose: Factory<typeof ConvTransposeLayer>;
  convolution2dTranspose: Factory<typeof ConvTransposeLayer>;
  inputLayer: Factory<typeof InputLayer>;
}

export interface WeightSpec {
  name: string; shape: number[]; dtype?: 'float32' | 'float16' | 'int32' | 'bool';
  /** The converter's encodings, undone at load: value = q * scale + min for uint8 / uint16. */
  quantization?: { dtype?: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number; original_dtype?: 'float32' | 'int32' };
}
export interface WeightsGroup { paths: string[]; weights: WeightSpec[] }
/** TensorFlow.js's layers-model artifacts (model.json's content plus the weight bytes). */
export interface ModelArtifacts {
  modelTopology: Record<string, any> | string; format?: 'layers-model'; generatedBy?: string; convertedBy?: string | null;
  weightSpecs?: WeightSpec[]; weightsManifest?: WeightsGroup[]; weightData?: ArrayBuffer | ArrayBufferView | ArrayBuffer[];
}
/** A URL, a file path or folder (Node), artifacts in memory, a tfjs IOHandler, or the Files of <input type=file multiple>. */
export type LayersModelSource = string | URL | ModelArtifacts | { load(): Promise<ModelArtifacts> } | File | File[] | FileList;
export interface LoadModelOptions {
  /** The weight download's progress, 0..1, increasing, ending at 1. */
  onProgress?: (fraction: number) => void;
  /** The app's own fetch (auth headers, caches). */
  fetch?: (url: string, init?: any) => Promise<Response>;
  requestInit?: RequestInit;
  /** Where the shards are, instead of model.json's folder. */
  weightPathPrefix?: string;
  custom_objects?: Record<string, any>; customObjects?: Record<string, any>;
  /** Default true: one layer of each kind (not yet run in this process) runs on zeros before returning (fused convolutions and packed layers 8 times on a small input, other built-in layers at their batch-1 shape; never the app's own layers or functions), so the WebAssembly kernels are compiled and being optimised and the first predict runs near full speed. BatchNorm is folded and weights packed at load either way. */
  warmup?: boolean;
}
/** Omitted: the artifacts in memory; a folder path or file:// URL (Node); 'downloads://name' (browser); a function or { save } handler. */
export type SaveTarget = string | URL | null | undefined | ((artifacts: ModelArtifacts) => any) | { save(artifacts: ModelArtifacts): any };
export interface SaveResult {
  files: string[];
  modelArtifactsInfo: { dateSaved: Date; modelTopologyType: 'JSON'; modelTopologyBytes: number; weightSpecsBytes: number; weightDataBytes: number };
}
export interface KerasModels {
  load_model(source: LayersModelSource, options?: LoadModelOptions): Promise<Model | Sequential>;
  loadLayersModel(source: LayersModelSource, options?: LoadModelOptions): Promise<Model | Sequential>;
  /** The topology only (a JSON string or object: modelTopology, model.json, or a Keras model config); weights initialised. */
  model_from_json(json: string | Record<string, any>, custom_objects?: Record<string, any>): Model | Sequential;
  save_model(model: Model | Sequential, target?: SaveTarget): Promise<ModelArtifacts | SaveResult | any>;
}

export interface Keras {
  Sequential: typeof Sequential;
  /** TensorFlow.js's factory: keras.sequential({ layers, name }) is new keras.Sequential({ layers, name }). */
  sequential(config?: Layer[] | { layers?: Layer[]; name?: string }): Sequential;
  /** Makes a custom layer class known to Sequential.from_config (name defaults to the class name). */
  registerLayer<C>(cls: C, name?: string): C;
  layers: KerasLayers;
  Model: typeof Model;
  /** TensorFlow.js's factory: keras.model({ inputs, outputs }). */
  model(options: { inputs: SymbolicTensor | SymbolicTensor[]; outputs: SymbolicTensor | SymbolicTensor[]; name?: string }): Model;
  /** A symbolic input: keras.Input({ shape: [224, 224, 3], name: 'image' }). */
  Input(options: InputOptions): SymbolicTensor;
  input(options: InputOptions): SymbolicTensor;
  InputLayer: typeof InputLayer;
  /** Loading and saving models: load_model, loadLayersModel, model_from_json, save_model. */
  models: KerasModels;
  /** TensorFlow.js's name for keras.models.load_model. */
  loadLayersModel(source: LayersModelSource, options?: LoadModelOptions): Promise<Model | Sequential>;
}

/** The PyTorch-style front. */
export const torch: Torch;
/** The Keras-style front. */
export const keras: Keras;

// Classes reachable only through torch.nn and keras.layers: types, not exports.
export type {
  TorchModule, Layer, GlobalPoolingLayer, PoolingLayer, ConvLayer, Sequential,
  SymbolicTensor, WeightedLayer, Dense, BatchNormalization, Activation, ReLU, LeakyReLU, PReLU, ELU, Softmax, Flatten, Reshape,
  Permute, Dropout, ZeroPaddingLayer, CroppingLayer, UpSamplingLayer, MergeLayer, Concatenate, DepthwiseConvLayer, SeparableConvLayer, ConvTransposeLayer, InputLayer, Model,
};

declare const nnwasm: {
  init: typeof init; backend: typeof backend; torch: Torch; keras: Keras; Tensor: typeof Tensor;
  setWinograd: typeof setWinograd;
};
export default nnwasm;
