import { init, backend } from './js/index.js';
import { wasm } from './js/runtime.js';
await init({ threads: 1 });
const m = wasm();
console.log(m.tensorAlloc(2.4e9) >>> 0, backend().memory.heapBytes);
console.log(m.tensorAlloc(2.4e9) >>> 0, backend().memory.heapBytes);
process.exit(0);
