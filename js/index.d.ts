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
}

export interface TorchModule {
  forward(input: TensorLike): any;
  call(input: TensorLike): any;
}
type ModuleClass = new (...args: any[]) => TorchModule;
export interface ConvModule extends TorchModule {
  weight: Tensor;
  bias: Tensor | null;
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
    [name: string]: any;
  };
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
  apply(inputs: TensorLike, kwargs?: { mask?: TensorLike | boolean[][] | null }): Tensor;
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
  predict(x: TensorLike): Tensor;
  /** Keras's summary table, as a string. */
  summary(): string;
  static from_config(config: Record<string, any>, custom_objects?: Record<string, any>): any;
}

export interface Keras {
  Sequential: typeof Sequential;
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
    [factory: string]: any;
  };
  [name: string]: any;
}

export const torch: Torch;
export const keras: Keras;

declare const nnwasm: { init: typeof init; backend: typeof backend; torch: Torch; keras: Keras; Tensor: typeof Tensor };
export default nnwasm;
