// Types for nnwasm's public API (../shared/API.md is the contract).

export type Shape = number[];
export type NestedArray = number | boolean | NestedArray[];
/** Every op takes a Tensor or a nested number array wherever it takes a tensor. */
export type TensorLike = Tensor | NestedArray[];
export type IntOrArray = number | number[];

export interface InitOptions {
  /** 'auto' (default: the hardware's threads, up to 8) or a count; 1 means no workers. */
  threads?: 'auto' | number;
  /** Default: detect. false loads the baseline (non-SIMD) build. */
  simd?: boolean;
  /** Folder (path in Node, URL in browsers) holding the nnwasm .wasm and glue files. */
  wasmDir?: string | URL;
  /** The chosen build's .wasm bytes, if the app loads them itself. */
  wasmBinary?: ArrayBuffer | Uint8Array;
}

export interface BackendInfo {
  build: 'simd-threads' | 'simd' | 'baseline';
  simd: boolean;
  /** Threads ops run on now (torch.set_num_threads changes it). */
  threads: number;
  /** The most threads this load can use. */
  maxThreads: number;
  /** Why this build was chosen, e.g. 'threads: 1 was asked for'. */
  reason: string;
  environment: 'node' | 'browser';
  memory: { heapBytes: number; tensors: number };
}

/** Loads the WebAssembly module once; later calls return the same promise. */
export function init(options?: InitOptions): Promise<BackendInfo>;
export function backend(): BackendInfo;

export class Tensor {
  private constructor();
  static empty(shape: Shape): Tensor;
  readonly shape: Shape;
  readonly ndim: number;
  readonly dtype: 'float32';
  /** The values, row-major: the caller's own copy. */
  readonly data: Float32Array;
  readonly isDisposed: boolean;
  /** Byte offset of the values in the WebAssembly heap. */
  readonly ptr: number;
  numel(): number;
  size(): Shape;
  size(dim: number): number;
  dataSync(): Float32Array;
  tolist(): any;
  reshape(...shape: number[]): Tensor;
  reshape(shape: number[]): Tensor;
  view(...shape: number[]): Tensor;
  permute(...dims: number[]): Tensor;
  permute(dims: number[]): Tensor;
  clone(): Tensor;
  /** Frees the memory now; later use throws. */
  dispose(): void;
}

type Opts<T> = Partial<T>;

export interface AvgPool1dArgs { kernel_size: IntOrArray; stride: IntOrArray | null; padding: IntOrArray; ceil_mode: boolean; count_include_pad: boolean }
export interface AvgPool2dArgs extends AvgPool1dArgs { divisor_override: number | null }
export interface MaxPoolArgs { kernel_size: IntOrArray; stride: IntOrArray | null; padding: IntOrArray; dilation: IntOrArray; ceil_mode: boolean; return_indices: boolean }
export interface ConvArgs { bias: TensorLike | null; stride: IntOrArray; padding: IntOrArray | 'valid' | 'same'; dilation: IntOrArray; groups: number }
type Pooled = Tensor | [Tensor, Tensor];

export interface Functional {
  adaptive_avg_pool1d(input: TensorLike, output_size: IntOrArray | Opts<{ output_size: IntOrArray }>): Tensor;
  adaptive_avg_pool2d(input: TensorLike, output_size: number | [number | null, number | null]): Tensor;
  adaptive_max_pool1d(input: TensorLike, output_size: IntOrArray, return_indices?: boolean | Opts<{ return_indices: boolean }>): Pooled;
  adaptive_max_pool2d(input: TensorLike, output_size: number | [number | null, number | null], return_indices?: boolean | Opts<{ return_indices: boolean }>): Pooled;
  avg_pool1d(input: TensorLike, kernel_size: IntOrArray, ...rest: any[]): Tensor;
  avg_pool2d(input: TensorLike, kernel_size: IntOrArray, ...rest: any[]): Tensor;
  max_pool1d(input: TensorLike, kernel_size: IntOrArray, ...rest: any[]): Pooled;
  max_pool2d(input: TensorLike, kernel_size: IntOrArray, ...rest: any[]): Pooled;
  conv1d(input: TensorLike, weight: TensorLike, ...rest: any[]): Tensor;
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

export interface TorchModule {
  /** true after construction, as in PyTorch; eval() sets false (BatchNorm, Dropout). */
  training: boolean;
  forward(input: TensorLike, ...rest: any[]): any;
  call(input: TensorLike, ...rest: any[]): any;
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
  /** PyTorch's dotted names ('features.1.running_mean') -> the module's own tensors (no copy). */
  state_dict(): Record<string, Tensor>;
  /** Copies the values in; strict: missing / unexpected keys throw PyTorch's message. Shape mismatches always throw; nothing loads unless all does. */
  load_state_dict(state_dict: Record<string, Tensor | NestedArray[]> | Map<string, Tensor | NestedArray[]>, strict?: boolean):
    { missing_keys: string[]; unexpected_keys: string[] };
  /** Frees every parameter and buffer now. */
  dispose(): void;
  extra_repr(): string;
}
type ModuleClass = new (...args: any[]) => TorchModule;
export interface ConvModule extends TorchModule {
  weight: Tensor;
  bias: Tensor | null;
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
  Tensor: typeof Tensor;
  float32: 'float32';
  tensor(values: NestedArray[] | Float32Array | ArrayLike<number> | number | Tensor, shape?: Shape): Tensor;
  zeros(...shape: number[] | [number[]]): Tensor;
  ones(...shape: number[] | [number[]]): Tensor;
  rand(...shape: number[] | [number[]]): Tensor;
  randn(...shape: number[] | [number[]]): Tensor;
  arange(n: number): Tensor;
  manual_seed(seed: number): void;
  set_num_threads(n: number): void;
  get_num_threads(): number;
  nn: {
    functional: Functional;
    Module: ModuleClass;
    AdaptiveAvgPool1d: ModuleClass;
    AdaptiveAvgPool2d: ModuleClass;
    AdaptiveMaxPool1d: ModuleClass;
    AdaptiveMaxPool2d: ModuleClass;
    AvgPool1d: ModuleClass;
    AvgPool2d: ModuleClass;
    MaxPool1d: ModuleClass;
    MaxPool2d: ModuleClass;
    Conv1d: new (...args: any[]) => ConvModule;
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
    [name: string]: any;
  };
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
export type LayerShape = (number | null)[];

export interface LayerOptions {
  name?: string;
  trainable?: boolean;
  dtype?: 'float32';
  input_shape?: LayerShape;
  inputShape?: LayerShape;
  batch_input_shape?: LayerShape;
  batchInputShape?: LayerShape;
  batch_size?: number;
  batchSize?: number;
}

export interface GlobalPoolingOptions extends LayerOptions {
  data_format?: DataFormat;
  dataFormat?: DataFormat;
  keepdims?: boolean;
}

export interface PoolingOptions extends LayerOptions {
  pool_size?: IntOrArray;
  poolSize?: IntOrArray;
  strides?: IntOrArray | null;
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

export interface ConvOptions extends LayerOptions {
  filters: number;
  kernel_size?: IntOrArray;
  kernelSize?: IntOrArray;
  strides?: IntOrArray;
  padding?: 'valid' | 'same' | 'causal';
  data_format?: DataFormat;
  dataFormat?: DataFormat;
  dilation_rate?: IntOrArray;
  dilationRate?: IntOrArray;
  groups?: number;
  activation?: ActivationName | null | ((x: Tensor) => Tensor);
  use_bias?: boolean;
  useBias?: boolean;
  kernel_initializer?: InitializerName;
  kernelInitializer?: InitializerName;
  bias_initializer?: InitializerName;
  biasInitializer?: InitializerName;
}

export class Layer {
  constructor(options?: LayerOptions);
  readonly name: string;
  built: boolean;
  readonly weights: Tensor[];
  /** Merge layers take an array of inputs. */
  apply(inputs: TensorLike | TensorLike[], kwargs?: { mask?: TensorLike | boolean[][] | null; training?: boolean }): Tensor;
  /** On symbolic tensors (keras.Input, other layers' outputs): records a graph node. */
  apply(inputs: SymbolicTensor | SymbolicTensor[], kwargs?: { training?: boolean }): SymbolicTensor;
  call(inputs: TensorLike, mask?: TensorLike | boolean[][] | null | { mask?: TensorLike | boolean[][] | null }): Tensor;
  build(input_shape: LayerShape): void;
  compute_output_shape(input_shape: LayerShape): LayerShape;
  count_params(): number;
  get_weights(): Tensor[];
  set_weights(weights: (Tensor | NestedArray[])[]): void;
  get_config(): Record<string, any>;
  static from_config<T extends Layer>(this: new (o: any) => T, config: Record<string, any>): T;
}

export class GlobalPoolingLayer extends Layer { constructor(options?: GlobalPoolingOptions) }
export class PoolingLayer extends Layer { constructor(options?: PoolingOptions) }
export class ConvLayer extends Layer { constructor(options: ConvOptions) }

export class Sequential extends Layer {
  constructor(layers?: Layer[] | { layers?: Layer[]; name?: string }, options?: LayerOptions);
  readonly layers: Layer[];
  readonly input_shape: LayerShape | null;
  readonly output_shape: LayerShape | null;
  add(layer: Layer): void;
  pop(): Layer;
  get_layer(nameOrIndex: string | number): Layer;
  /** Runs the layers back to back on heap tensors; intermediates are freed. */
  predict(x: TensorLike, options?: PredictOptions): Tensor;
  /** The steps predict runs, by layer name; fused chains read 'pad+conv+bn+relu'. */
  executionPlan(options?: PredictOptions): string[];
  dispose(): void;
  /** Keras's summary table, as a string. */
  summary(): string;
  static from_config(config: Record<string, any>, custom_objects?: Record<string, any>): any;
}

/** A tensor of the functional graph: keras.Input's result, or a layer applied to one. */
export class SymbolicTensor {
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

export class WeightedLayer extends Layer {
  /** Keras's weight names, in get_weights order. */
  readonly weightNames: string[];
  readonly trainable_weights: Tensor[];
  readonly non_trainable_weights: Tensor[];
  /** Frees the layer's weights now. */
  dispose(): void;
}
export class Dense extends WeightedLayer { constructor(options: DenseOptions); readonly units: number; readonly kernel: Tensor; readonly bias: Tensor | null }
/** Inference uses the moving statistics; apply(x, { training: true }) the batch's, and moves them. */
export class BatchNormalization extends WeightedLayer {
  constructor(options?: BatchNormalizationOptions);
  readonly axis: number; readonly epsilon: number; readonly momentum: number;
  readonly gamma: Tensor | null; readonly beta: Tensor | null; readonly moving_mean: Tensor; readonly moving_variance: Tensor;
}
export class Activation extends Layer { constructor(options: { activation: ActivationLayerName | ((x: Tensor) => Tensor) } & LayerOptions | ActivationLayerName | ((x: Tensor) => Tensor)) }
export class ReLU extends Layer { constructor(options?: ReLUOptions) }
export class LeakyReLU extends Layer { constructor(options?: LeakyReLUOptions) }
export class PReLU extends WeightedLayer { constructor(options?: PReLUOptions) }
export class ELU extends Layer { constructor(options?: LayerOptions & { alpha?: number }) }
export class Softmax extends Layer { constructor(options?: LayerOptions & { axis?: number }) }
export class Flatten extends Layer { constructor(options?: LayerOptions & { data_format?: DataFormat; dataFormat?: DataFormat }) }
export class Reshape extends Layer { constructor(options: LayerOptions & { target_shape?: number[]; targetShape?: number[] }) }
export class Permute extends Layer { constructor(options: LayerOptions & { dims: number[] }) }
export class Dropout extends Layer { constructor(options: DropoutOptions) }
export class ZeroPaddingLayer extends Layer { constructor(options?: ZeroPaddingOptions) }
export class CroppingLayer extends Layer { constructor(options?: CroppingOptions) }
export class UpSamplingLayer extends Layer { constructor(options?: UpSamplingOptions) }
/** Merge layers take an array: new Add().apply([a, b]). */
export class MergeLayer extends Layer { constructor(options?: LayerOptions) }
export class Concatenate extends MergeLayer { constructor(options?: LayerOptions & { axis?: number }) }
/** depthwise_kernel (k..., in, depth_multiplier), bias (in * depth_multiplier). */
export class DepthwiseConvLayer extends WeightedLayer { constructor(options: DepthwiseConvOptions) }
/** depthwise_kernel, pointwise_kernel (1..., in * depth_multiplier, filters), bias. */
export class SeparableConvLayer extends WeightedLayer { constructor(options: SeparableConvOptions) }
/** kernel (k..., filters, in), bias (filters). */
export class ConvTransposeLayer extends WeightedLayer { constructor(options: ConvTransposeOptions) }

export interface PredictOptions {
  /** false runs every layer on its own (no Conv+BatchNorm+activation fusion); default true. */
  fuse?: boolean;
}

export interface InputOptions { shape?: LayerShape; batch_size?: number | null; batchSize?: number | null; batch_shape?: LayerShape; batchShape?: LayerShape; name?: string }
export class InputLayer extends Layer { constructor(options: InputOptions); readonly output: SymbolicTensor }

/** The functional model: a graph of layers from inputs to outputs. */
export class Model extends Layer {
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
  /** Frees the fusion pass's folded weights (the layers keep theirs). */
  dispose(): void;
  static from_config(config: Record<string, any>, custom_objects?: Record<string, any>): any;
}

export interface Keras {
  Sequential: typeof Sequential;
  Model: typeof Model;
  /** TensorFlow.js's factory: keras.model({ inputs, outputs }). */
  model(options: { inputs: SymbolicTensor | SymbolicTensor[]; outputs: SymbolicTensor | SymbolicTensor[]; name?: string }): Model;
  /** A symbolic input: keras.Input({ shape: [224, 224, 3], name: 'image' }). */
  Input(options: InputOptions): SymbolicTensor;
  input(options: InputOptions): SymbolicTensor;
  InputLayer: typeof InputLayer;
  /** Makes a custom layer class known to Sequential.from_config. */
  registerLayer(cls: any, name?: string): any;
  layers: {
    Layer: typeof Layer;
    GlobalAveragePooling1D: typeof GlobalPoolingLayer;
    GlobalAveragePooling2D: typeof GlobalPoolingLayer;
    GlobalMaxPooling1D: typeof GlobalPoolingLayer;
    GlobalMaxPooling2D: typeof GlobalPoolingLayer;
    GlobalAvgPool1D: typeof GlobalPoolingLayer;
    GlobalAvgPool2D: typeof GlobalPoolingLayer;
    GlobalMaxPool1D: typeof GlobalPoolingLayer;
    GlobalMaxPool2D: typeof GlobalPoolingLayer;
    AveragePooling1D: typeof PoolingLayer;
    AveragePooling2D: typeof PoolingLayer;
    MaxPooling1D: typeof PoolingLayer;
    MaxPooling2D: typeof PoolingLayer;
    AvgPool1D: typeof PoolingLayer;
    AvgPool2D: typeof PoolingLayer;
    MaxPool1D: typeof PoolingLayer;
    MaxPool2D: typeof PoolingLayer;
    Conv1D: typeof ConvLayer;
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
    [factory: string]: any;
  };
  [name: string]: any;
}

export const torch: Torch;
export const keras: Keras;

declare const nnwasm: { init: typeof init; backend: typeof backend; torch: Torch; keras: Keras; Tensor: typeof Tensor };
export default nnwasm;
