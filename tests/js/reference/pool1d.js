// Plain references for the 1D average poolings, in float64, written from
// PyTorch's and Keras's definitions rather than from the kernels.

// (rows, L) -> (rows, O) with PyTorch's adaptive windows.
export function adaptiveAvgPool1d(x, rows, L, O) {
  const out = new Float32Array(rows * O);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < O; i++) {
      const start = Math.floor((i * L) / O);
      const end = Math.ceil(((i + 1) * L) / O);
      let sum = 0;
      for (let k = start; k < end; k++) sum += x[r * L + k];
      out[r * O + i] = sum / (end - start);
    }
  }
  return out;
}

// Keras GlobalAveragePooling1D: mean over steps, masked steps left out.
export function globalAvgPool1d(x, N, L, C, channelsLast, mask = null) {
  const out = new Float32Array(N * C);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      let sum = 0;
      let count = 0;
      for (let l = 0; l < L; l++) {
        if (mask && !mask[n * L + l]) continue;
        sum += channelsLast ? x[(n * L + l) * C + c] : x[(n * C + c) * L + l];
        count++;
      }
      out[n * C + c] = sum / count;
    }
  }
  return out;
}
