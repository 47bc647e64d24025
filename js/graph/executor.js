// Runs a list of steps (layer applications in topological order) on real
// tensors. Reference counts per step output are computed once per plan;
// each intermediate is disposed as soon as its last consumer has run.
import { fail, fmtValue } from '../errors.js';
import { Tensor } from '../tensor.js';

// steps: [{ name, type, inputs: [id], outputs: [id], list, run(tensors) -> Tensor | Tensor[] }]
// inputIds / outputIds: the ids the caller provides and takes.
export function makePlan(steps, inputIds, outputIds) {
  const uses = new Map();
  for (const s of steps) for (const id of s.inputs) uses.set(id, (uses.get(id) ?? 0) + 1);
  return { steps, inputIds, outputIds, uses, pinned: new Set([...inputIds, ...outputIds]) };
}

export function runPlan(where, plan, inputs) {
  const values = new Map();
  const owned = new Set();  // tensors the run made (disposed on failure)
  plan.inputIds.forEach((id, i) => values.set(id, inputs[i]));
  const left = new Map(plan.uses);
  const release = (id) => {
    if (plan.pinned.has(id)) return;
    const t = values.get(id);
    values.delete(id);
    owned.delete(t);
    t.dispose();
  };
  try {
    for (const step of plan.steps) {
      const args = step.inputs.map((id) => values.get(id));
      let out = step.run(step.list ? args : args[0]);
      const outs = step.outputs.length === 1 ? [out] : out;
      if (!Array.isArray(outs) || outs.length !== step.outputs.length || !outs.every((t) => t instanceof Tensor)) {
        if (out instanceof Tensor && !args.includes(out)) out.dispose();
        fail(where, `layer '${step.name}' (${step.type}) returned ${fmtValue(out)}, not ${step.outputs.length === 1 ? 'one Tensor' : `${step.outputs.length} Tensors`}`);
      }
      step.outputs.forEach((id, i) => {
        let t = outs[i];
        // A layer that hands back its input: a view, so each id owns one reference.
        if (args.includes(t) || [...values.values()].includes(t)) t = t.reshape(t.shape);
        values.set(id, t);
        owned.add(t);
      });
      for (const id of step.inputs) {
        const n = left.get(id) - 1;
        left.set(id, n);
        if (n === 0) release(id);
      }
      for (const id of step.outputs) if (!plan.uses.has(id)) release(id);
    }
    // Outputs that are inputs, or one tensor named twice: each its own.
    const seen = new Set();
    return plan.outputIds.map((id) => {
      let t = values.get(id);
      if (!owned.has(t) || seen.has(t)) t = t.clone();
      seen.add(t);
      return t;
    });
  } catch (e) {
    for (const t of owned) t.dispose();
    throw e;
  }
}
