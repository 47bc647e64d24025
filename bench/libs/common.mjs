// Helpers shared by the library adapters.
//
// An adapter module exports:
//   name                        short library name used in the report
//   setup({ threads, scratchDir }) -> { version, threadsUsed, build?, notes[] }
//   prepare(workload, inputs)   -> [variant, ...]   (throw Skip when it can't)
// A variant is one way of running the workload with that library:
//   { label, note?, exact, isAsync?, run(), output() -> Float32Array in the
//     workload's output layout, dispose() }
// `exact: false` marks a labelled approximation: its error is reported but
// does not fail the check.
import { relayout, splitShape, joinShape, isChannelsLast, channelsFirstLayout, channelsLastLayout } from '../workloads.mjs';

/** Thrown by adapters for rows they cannot run; the message goes in the report. */
export class Skip extends Error {}

/** Input data moved to channels-last (NLC/NHWC) or channels-first (NCL/NCHW). */
export function inputAs(inputs, wantChannelsLast) {
  const to = wantChannelsLast ? channelsLastLayout(inputs.layout) : channelsFirstLayout(inputs.layout);
  const { data, shape } = relayout(inputs.input, inputs.inputShape, inputs.layout, to);
  return { data, shape, layout: to, moved: to !== inputs.layout };
}

/** Bring an output computed in `fromLayout` back to the workload's layout. */
export function outputBack(data, shape, fromLayout, toLayout) {
  return relayout(data, shape, fromLayout, toLayout).data;
}

/** Conv weight from PyTorch layout (O, I/g, k...) to another letter order. */
export function weightAs(inputs, to) {
  const from = inputs.weightShape.length === 3 ? 'OIW' : 'OIHW';
  return relayout(inputs.weight, inputs.weightShape, from, to);
}

export { splitShape, joinShape, isChannelsLast, channelsFirstLayout, channelsLastLayout };
