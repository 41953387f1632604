/**
 * Weighted logistic regression by Newton's method with an L2 penalty (not
 * on the bias), on standardised features: the extractor's trainer fits its
 * block model and its study of the reading's choice with it.
 */

export interface Sample {
  x: number[];
  /** 1 or 0. */
  y: number;
  w: number;
}

export interface Logistic {
  /** Per feature: subtracted, then divided by, before the weights apply. */
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
}

export function fitLogistic(samples: Sample[], lambda: number): Logistic {
  const d = samples[0]?.x.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  const W = samples.reduce((s, x) => s + x.w, 0);
  for (const s of samples) for (let k = 0; k < d; k++) mean[k] = (mean[k] as number) + (s.w * (s.x[k] as number)) / W;
  for (const s of samples)
    for (let k = 0; k < d; k++)
      scale[k] = (scale[k] as number) + (s.w * ((s.x[k] as number) - (mean[k] as number)) ** 2) / W;
  for (let k = 0; k < d; k++) scale[k] = Math.sqrt(scale[k] as number) || 1;
  const z = samples.map((s) => [1, ...s.x.map((v, k) => (v - (mean[k] as number)) / (scale[k] as number))]);
  const beta = new Array<number>(d + 1).fill(0);
  for (let iter = 0; iter < 25; iter++) {
    const g = new Array<number>(d + 1).fill(0);
    const H = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    samples.forEach((s, n) => {
      const zn = z[n] as number[];
      let eta = 0;
      for (let k = 0; k <= d; k++) eta += (beta[k] as number) * (zn[k] as number);
      const p = 1 / (1 + Math.exp(-eta));
      const r = s.w * (p - s.y);
      const v = s.w * p * (1 - p);
      for (let a = 0; a <= d; a++) {
        g[a] = (g[a] as number) + r * (zn[a] as number);
        const row = H[a] as number[];
        for (let b = a; b <= d; b++) row[b] = (row[b] as number) + v * (zn[a] as number) * (zn[b] as number);
      }
    });
    for (let a = 0; a <= d; a++) {
      for (let b = 0; b < a; b++) (H[a] as number[])[b] = (H[b] as number[])[a] as number;
      if (a > 0) {
        g[a] = (g[a] as number) + lambda * (beta[a] as number);
        (H[a] as number[])[a] = ((H[a] as number[])[a] as number) + lambda;
      }
    }
    const step = solve(H, g);
    let moved = 0;
    for (let k = 0; k <= d; k++) {
      beta[k] = (beta[k] as number) - (step[k] as number);
      moved = Math.max(moved, Math.abs(step[k] as number));
    }
    if (moved < 1e-6) break;
  }
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return {
    mean: mean.map(round),
    scale: scale.map(round),
    weights: beta.slice(1).map(round),
    bias: round(beta[0] as number),
  };
}

/** The fitted model's probability for a sample's features. */
export function predict(model: Logistic, x: number[]): number {
  let z = model.bias;
  for (let k = 0; k < x.length; k++)
    z += (model.weights[k] as number) * (((x[k] as number) - (model.mean[k] as number)) / (model.scale[k] as number));
  return 1 / (1 + Math.exp(-z));
}

/** Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++)
      if (Math.abs((M[r] as number[])[c] as number) > Math.abs((M[p] as number[])[c] as number)) p = r;
    [M[c], M[p]] = [M[p] as number[], M[c] as number[]];
    const pivot = (M[c] as number[])[c] as number;
    if (Math.abs(pivot) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = ((M[r] as number[])[c] as number) / pivot;
      if (f === 0) continue;
      for (let k = c; k <= n; k++)
        (M[r] as number[])[k] = ((M[r] as number[])[k] as number) - f * ((M[c] as number[])[k] as number);
    }
  }
  return M.map((row, i) => (Math.abs(row[i] as number) < 1e-12 ? 0 : (row[n] as number) / (row[i] as number)));
}
