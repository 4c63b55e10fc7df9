/**
 * The layer recursion of ntk.ts compiled, per architecture, into one WebAssembly SIMD function that carries
 * two pairs of points through every layer at once (the layers fused: no per-layer arrays, everything in
 * registers), for the activations with closed-form duals written here: relu, erf, sin, cos and the identity.
 *
 * Why: the JS engine spends most of its time in Math.atan2, Math.exp and Math.asin (one double per call)
 * and in passes over per-layer arrays; XLA (Neural Tangents under jax.jit) vectorizes and fuses the same
 * closed forms. Here the elementary functions are those of linalg/simd-math.ts (error bounds there), and
 * everything that depends on one point only (variances, their roots, e^{-a/2} of the sine duals) comes
 * from the per-point pass of ntk.ts.
 *
 * Same formulas as ntk.ts and activations.ts (erf's gaps are activations.ts's erfGaps), with four changes:
 * J_1 = sin(phi) - phi cos(phi) and theta - sin(theta) by their series below 1 (the JS engine switches
 * at 0.5, where the direct forms have already lost 4-5 bits), 1 - cos(theta) as 2g / (g + h) (no sine),
 * and a first sine or cosine layer, which reads no angle, takes c as |x||y| (x^ . y^) instead of (h - g)/2
 * (its gaps, where a layer after it needs them, still come from |x||y| |x^ -+ y^|^2 / 2).
 * The values differ from the JS engine's by a few ulps of each entry's scale (test/ntk-simd.test.ts).
 *
 * Work is split into tiles of 16 rows by 512 columns (K(X, X): the upper triangle only, each entry also
 * stored at its mirror image), taken by the calling thread and the tile pool's workers (linalg/tile-pool.ts)
 * from a shared counter; the result is written in place in the shared memory, whose rows the Matrix views
 * (no copy), so memory is the result plus O(n d L) per-point arrays, never per-pair state arrays.
 *
 * Where it runs: networks up to MAX_CODE_UNITS (48 ReLU layers, 8 sine ones), every activation one of those above, every per-point variance and second moment in
 * [1e-150, 1e150] (so that no product of two of them leaves the normal range, where ntk.ts switches to
 * scaled forms) and, in a sine or cosine layer, at most 300 (past it the JS dual switches to another form).
 * Elsewhere the JS engine computes the kernel. A result that is not finite is recomputed by the JS engine,
 * whose Error names the layer.
 */
import type { Matrix } from "ml-matrix";
import { matrixOfRows } from "./assemble";
import { layerScales, type Architecture } from "../layers";
import { closedFormOf, type ClosedForm } from "../activations";
import { I32, moduleBytes, simd } from "../linalg/wasm-encoding";
import { wasmApi, type WasmMemory, type WasmModule } from "../linalg/wasm-api";
import { runTiles, tileThreads } from "../linalg/tile-pool";
import {
  ctl,
  emitAsin,
  emitAtan2,
  emitAtan01,
  emitSinhCosh,
  estrin,
  FunctionBuilder,
  mem,
  n as int,
  put,
  v,
  simdMath,
  type Code,
} from "../linalg/simd-math";
import { set } from "../linalg/wasm-encoding";

/** Which kernel of the recursion to return. */
export type Output = "ntk" | "nngp";

/** One hidden layer as the compiled code sees it. */
interface LayerSpec {
  readonly kind: ClosedForm;
  /** weightStd[l + 1]^2 c_s and biasStd[l + 1]^2 of the dense layer after it (layers.ts layerScales). */
  readonly alpha: number;
  readonly beta: number;
  /** weightStd[L]^2 c_s: its readout (the last layer's, or a cut network's with byDepth). */
  readonly readout: number;
}

/** The per-point quantities of ntk.ts's per-point pass (the compiled code reads all of them). */
export interface SideArrays {
  readonly unit: Float64Array; // n x (d + 1), row-major
  readonly norm: Float64Array;
  readonly variance: Float64Array[];
  readonly sd: Float64Array[];
  readonly secondMoment: Float64Array[];
  readonly root: Float64Array[];
}

/** Per-point arrays by layer, in this order, for each side. */
/**
 * extra: e^{-a/2} for a sine or cosine layer, 1 + 2a for an erf layer; angle: asin(2a / (1 + 2a)) for an
 * erf layer (by the compiled asin itself, so that a pair of equal variances gets the same bits per pair);
 * f: sinh(a) for a sine layer, cosh(a) for a cosine one.
 */
const PER_LAYER = ["variance", "sd", "secondMoment", "root", "extra", "angle", "f"] as const;
/** Per-point variances and second moments allowed here: products of two stay normal. */
const LOW = 1e-150;
const HIGH = 1e150;
/** The largest variance of a sine or cosine layer (activations.ts switches form past (a + b)/2 = 300). */
const SINE_VARIANCE = 300;

const NORM = 1 / (2 * Math.PI);
/** All ones in lane 0, zeros in lane 1: a v128.and keeps lane 0 alone. */
const LANE0: Code = [...simd(0x0c), ...new Uint8Array(BigInt64Array.of(-1n, 0n).buffer)];

/** Taylor coefficients, highest degree first, of P(s) with f(t) = t^3 P(t^2), terms while below 1e-19 at t = 1. */
function oddSeries(term: (j: number) => number): number[] {
  const out: number[] = [];
  for (let j = 1; j <= 13; j++) out.push(term(j));
  return out.reverse();
}
const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));
/** sin(phi) - phi cos(phi) = sum_{j>=1} (-1)^{j+1} 2j phi^{2j+1} / (2j+1)!. */
const J1_SERIES = oddSeries((j) => ((j % 2 ? 1 : -1) * 2 * j) / factorial(2 * j + 1));
/** theta - sin(theta) = sum_{j>=1} (-1)^{j+1} theta^{2j+1} / (2j+1)!. */
const THETA_MINUS_SIN = oddSeries((j) => (j % 2 ? 1 : -1) / factorial(2 * j + 1));
/** Below this angle the two series replace the direct forms. */
const SERIES_BELOW = 1;

/**
 * t^3 P(t^2) (t2 = t^2, P a series above) where t < SERIES_BELOW, the direct form elsewhere: code that puts
 * it into local out.
 */
function seriesBelowOne(
  b: FunctionBuilder,
  out: number,
  t: number,
  t2: number,
  series: readonly number[],
  direct: Code,
): Code {
  const p = estrin(b, t2, series);
  return [
    ...p.powers,
    ...put(out, v.sel(v.lt(v.x(t), v.c(SERIES_BELOW)), v.mul(v.mul(v.x(t), v.x(t2)), p.value), direct)),
  ];
}

/**
 * The largest network compiled, in units of a ReLU layer's code: every layer is inlined into one function,
 * and an erf layer with its gaps is about 3 units, a sine or cosine one 6 (a depth-2700 sine network's code
 * would not fit in memory; 64 sine layers took 2 s and 800 MB to build). Larger ones run on the JS engine.
 */
const MAX_CODE_UNITS = 48;

/** The layers of an architecture the compiled code can run, or null. */
function layerSpecs(arch: Architecture): LayerSpec[] | null {
  const L = arch.activations.length;
  const kinds = arch.activations.map(closedFormOf);
  if (kinds.some((kind) => kind === null)) return null;
  const units = kinds.reduce(
    (sum, kind, l) =>
      sum + (l === L - 1 || kind === "relu" || kind === "identity" ? 1 : kind === "erf" ? 3 : 6),
    0,
  );
  if (units > MAX_CODE_UNITS) return null;
  const { alphas, betas, readouts } = layerScales(arch);
  return kinds.map((kind, l) => ({
    kind: kind as ClosedForm,
    alpha: alphas[l],
    beta: betas[l],
    readout: readouts[l],
  }));
}

/** True when every per-point value the compiled code reads is in its range (see the file comment). */
function inRange(specs: readonly LayerSpec[], side: SideArrays): boolean {
  const ok = (a: Float64Array, high = HIGH): boolean => {
    for (let i = 0; i < a.length; i++) if (!(a[i] >= LOW && a[i] <= high)) return false;
    return true;
  };
  if (!ok(side.norm, Math.sqrt(HIGH))) return false;
  return specs.every(
    (s, l) =>
      ok(side.variance[l], s.kind === "sin" || s.kind === "cos" ? SINE_VARIANCE : HIGH) &&
      ok(side.secondMoment[l]),
  );
}

/**
 * The relu dual, the arc-cosine kernel of order 1 (activations.ts reluPower), two pairs at once: from the
 * variances A, B and the gaps G, H into V = E[s(u) s(v)] and D = E[s'(u) s'(v)], and with gaps into GP and
 * CG (t1 a scratch local). For every a b > 0 in the normal range; the callers keep a = 0 away from it.
 */
export function emitReluDual(
  b: FunctionBuilder,
  locals: {
    A: number;
    B: number;
    G: number;
    H: number;
    V: number;
    D: number;
    GP: number;
    CG: number;
    t1: number;
  },
  gaps: boolean,
): Code {
  const { A, B, G, H, V, D, GP, CG, t1 } = locals;
  const [r, sg, sh, small, ratio, w, theta, phi, s, cosT, sinT, j1, phi2] = Array.from({ length: 13 }, () =>
    b.v(),
  );
  const atan = emitAtan01(b, ratio);
  const code: Code = [
    ...put(r, v.sqrt(v.mul(v.x(A), v.x(B)))),
    ...put(sg, v.sqrt(v.x(G))),
    ...put(sh, v.sqrt(v.x(H))),
    ...put(small, v.le(v.x(G), v.x(H))),
    ...put(ratio, v.div(v.sel(v.x(small), v.x(sg), v.x(sh)), v.sel(v.x(small), v.x(sh), v.x(sg)))),
    ...atan.code,
    ...put(w, v.add(v.x(atan.out), v.x(atan.out))),
    ...put(theta, v.sel(v.x(small), v.x(w), v.sub(v.c(Math.PI), v.x(w)))),
    ...put(phi, v.sel(v.x(small), v.sub(v.c(Math.PI), v.x(w)), v.x(w))),
    ...put(s, v.add(v.x(H), v.x(G))),
    ...put(cosT, v.div(v.sub(v.x(H), v.x(G)), v.x(s))),
    ...put(sinT, v.div(v.mul(v.mul(v.c(2), v.x(sg)), v.x(sh)), v.x(s))),
    ...put(phi2, v.mul(v.x(phi), v.x(phi))),
    ...seriesBelowOne(b, j1, phi, phi2, J1_SERIES, v.add(v.mul(v.x(cosT), v.x(phi)), v.x(sinT))),
    ...put(V, v.mul(v.mul(v.x(r), v.c(NORM)), v.x(j1))),
    ...put(D, v.mul(v.c(NORM), v.x(phi))),
  ];
  if (!gaps) return code;
  const theta2 = b.v();
  return [
    ...code,
    ...put(theta2, v.mul(v.x(theta), v.x(theta))),
    ...seriesBelowOne(b, t1, theta, theta2, THETA_MINUS_SIN, v.sub(v.x(theta), v.x(sinT))),
    ...put(
      GP,
      v.mul(v.mul(v.x(r), v.c(NORM)), v.add(v.mul(v.x(phi), v.div(v.mul(v.c(2), v.x(G)), v.x(s))), v.x(t1))),
    ),
    ...put(CG, v.mul(v.mul(v.x(r), v.c(NORM)), v.add(v.c(Math.PI), v.x(j1)))),
  ];
}

/** Descriptor slots (i32) the compiled function reads its addresses from. */
const STRIDE = 1; // m: the result's row length
const M_PAD = 2; // the Y side's array length: m + 1 rounded up to even
const UNIT_X = 3;
const UNIT_YT = 4; // the Y side's unit vectors transposed: d1 x mPad
const NORM_X = 5;
const NORM_Y = 6;
const LAYER0 = 7;
const layerSlot = (l: number, q: number, side: 0 | 1): number =>
  LAYER0 + (l * PER_LAYER.length + q) * 2 + side;
const outSlot = (L: number, k: number): number => LAYER0 + L * PER_LAYER.length * 2 + k;

/**
 * tile(desc, i0, i1, j0, j1, symmetric, diagonal, flag): every pair (i, j), i0 <= i < i1, j0 <= j < j1 (j >= i
 * when symmetric; j = i alone when diagonal), into out_k[i m + j] (m = 0 for the diagonal: out_k[i]); flag,
 * a v128 slot, gets NaN added when an entry is not finite.
 */
function tileFunction(specs: readonly LayerSpec[], output: Output, byDepth: boolean, dims: number) {
  const L = specs.length;
  const last = L - 1;
  const outputs = byDepth ? L : 1;
  const params = [I32, I32, I32, I32, I32, I32, I32, I32];
  const b = new FunctionBuilder(params);
  const [desc, i0, i1, j0, j1, symmetric, diagonal, flag] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [i, j, kk, stride, mPad, rowX, rowY, address, mirrored, jEnd, jOff, rowBase] = Array.from(
    { length: 12 },
    () => b.i(),
  );
  /** Per unrolled coordinate k, the address of Y's row k of unit coordinates (set once per call). */
  const yRows = dims <= 16 ? Array.from({ length: dims }, () => b.i()) : [];
  /** A local per key, made on first use: the keys used are known once the code is built. */
  const localsBy = (make: () => number): { of: (key: number) => number; used: Map<number, number> } => {
    const used = new Map<number, number>();
    const of = (key: number): number => {
      if (!used.has(key)) used.set(key, make());
      return used.get(key)!;
    };
    return { of, used };
  };
  /** The i32 local holding descriptor slot s, loaded at the start. */
  const slotLocals = localsBy(() => b.i());
  const slots = slotLocals.used;
  const slot = slotLocals.of;
  // X-side values are the same along a row: loaded once per row into these locals.
  const rowLocals = localsBy(() => b.v());
  const rowValues = rowLocals.used;
  const xAt = (s: number): Code => v.x(rowLocals.of(s));
  const yAt = (s: number): Code => mem.load(int.add(int.x(slot(s)), int.x(jOff)));
  const q = (name: (typeof PER_LAYER)[number]): number => PER_LAYER.indexOf(name);
  const X = (l: number, name: (typeof PER_LAYER)[number]): Code => xAt(layerSlot(l, q(name), 0));
  const Y = (l: number, name: (typeof PER_LAYER)[number]): Code => yAt(layerSlot(l, q(name), 1));

  // The pair state, two pairs per v128.
  const [A, B, C, G, H, T, V, D, GP, CG, acc] = Array.from({ length: 11 }, () => b.v());
  const [minus, plus, dot, p, qq, t1, t3] = Array.from({ length: 7 }, () => b.v());

  /** Coordinate k of x_i (splatted) and of y_j, y_j+1. */
  const px_k = (k: number | null): Code =>
    mem.splat(k === null ? int.add(int.x(rowX), int.shl(int.x(kk), 3)) : int.x(rowX), k === null ? 0 : 8 * k);
  const qy_k = (k: number | null): Code =>
    k === null
      ? mem.load(int.add(int.x(rowY), int.shl(int.mul(int.x(kk), int.x(mPad)), 3)))
      : mem.load(int.add(int.x(yRows[k]), int.x(jOff)));
  /** The coordinates' loop: unrolled for up to 16 dimensions (then the dimension is part of the module). */
  const overCoordinates = (step: (k: number | null) => Code): Code =>
    dims <= 16
      ? Array.from({ length: dims }, (_, k) => step(k)).flat()
      : [
          ...int.c(0),
          ...set(kk),
          ...ctl.loop(int.ge(int.x(kk), int.c(dims)), [
            ...step(null),
            ...int.add(int.x(kk), int.c(1)),
            ...set(kk),
          ]),
        ];
  // A sine or cosine first layer reads c, not the angle: c is the dot product |x||y| (x^ . y^), and the
  // gaps are computed only when a layer after it needs them (the same c for the network cut after it, so
  // that kernelsByDepth gives the cut network's bits).
  const sineFirst = specs[0].kind === "sin" || specs[0].kind === "cos";
  const gapsIn: Code = [
    ...put(minus, v.c(0)),
    ...put(plus, v.c(0)),
    ...overCoordinates((k) => [
      ...put(p, px_k(k)),
      ...put(qq, qy_k(k)),
      ...put(t1, v.sub(v.x(p), v.x(qq))),
      ...put(minus, v.add(v.x(minus), v.mul(v.x(t1), v.x(t1)))),
      ...put(t1, v.add(v.x(p), v.x(qq))),
      ...put(plus, v.add(v.x(plus), v.mul(v.x(t1), v.x(t1)))),
    ]),
    ...put(t1, v.mul(xAt(NORM_X), yAt(NORM_Y))),
    ...put(G, v.div(v.mul(v.x(t1), v.x(minus)), v.c(2))),
    ...put(H, v.div(v.mul(v.x(t1), v.x(plus)), v.c(2))),
    ...put(C, v.div(v.sub(v.x(H), v.x(G)), v.c(2))),
  ];
  const dotIn: Code = [
    ...put(dot, v.c(0)),
    ...overCoordinates((k) => put(dot, v.add(v.x(dot), v.mul(px_k(k), qy_k(k))))),
    ...put(C, v.mul(v.mul(xAt(NORM_X), yAt(NORM_Y)), v.x(dot))),
  ];
  const input: Code = [
    ...(sineFirst ? [...(L > 1 ? gapsIn : []), ...dotIn] : gapsIn),
    ...put(T, v.x(C)),
    ...put(A, X(0, "variance")),
    ...put(B, Y(0, "variance")),
  ];

  /** Layer l's dual: V, D and (with gaps, for the layer after it) GP, CG; gaps NaN-free kinds only. */
  const dual = (l: number, gaps: boolean): Code => {
    const kind = specs[l].kind;
    if (kind === "identity") {
      return [...put(V, v.x(C)), ...put(D, v.c(1)), ...put(GP, v.x(G)), ...put(CG, v.x(H))];
    }
    if (kind === "erf") {
      // With qx = 1 + 2a and qy = 1 + 2b per point: the same operations as activations.ts's erf dual,
      // and with gaps its erfGaps.
      const [ratio, qx, qy, rootS] = Array.from({ length: 4 }, () => b.v());
      const asin = emitAsin(b, ratio);
      const code: Code = [
        ...put(qx, X(l, "extra")),
        ...put(qy, Y(l, "extra")),
        ...put(
          ratio,
          v.max(v.c(-1), v.min(v.c(1), v.div(v.mul(v.c(2), v.x(C)), v.sqrt(v.mul(v.x(qx), v.x(qy)))))),
        ),
        ...asin.code,
        ...put(V, v.mul(v.c(2 / Math.PI), v.x(asin.out))),
        ...put(
          rootS,
          v.sqrt(v.add(v.add(v.x(qx), v.mul(v.c(2), v.x(B))), v.mul(v.mul(v.c(4), v.x(G)), v.x(H)))),
        ),
        ...put(D, v.div(v.c(4 / Math.PI), v.x(rootS))),
      ];
      if (!gaps) return code;
      const [m, rootR, ratioM, aX, aY, spread, cross, yDown, xDown, yUp, xUp] = Array.from(
        { length: 11 },
        () => b.v(),
      );
      const alphaM = emitAsin(b, ratioM);
      const down = emitAtan2(b, yDown, xDown);
      const up = emitAtan2(b, yUp, xUp);
      return [
        ...code,
        ...put(m, v.sqrt(v.mul(v.x(A), v.x(B)))),
        ...put(rootR, v.sqrt(v.add(v.x(qx), v.mul(v.c(2), v.x(B))))),
        ...put(ratioM, v.min(v.c(1), v.div(v.mul(v.c(2), v.x(m)), v.sqrt(v.mul(v.x(qx), v.x(qy)))))),
        ...alphaM.code,
        ...put(aX, X(l, "angle")),
        ...put(aY, Y(l, "angle")),
        ...put(
          spread,
          v.div(
            v.sub(v.mul(v.x(aX), v.x(aY)), v.mul(v.x(alphaM.out), v.x(alphaM.out))),
            v.add(v.sqrt(v.mul(v.x(aX), v.x(aY))), v.x(alphaM.out)),
          ),
        ),
        ...put(cross, v.div(v.mul(v.mul(v.c(4), v.x(G)), v.x(H)), v.add(v.x(rootS), v.x(rootR)))),
        ...put(yDown, v.mul(v.c(2), v.add(v.mul(v.x(G), v.x(rootS)), v.mul(v.x(C), v.x(cross))))),
        ...put(xDown, v.add(v.mul(v.x(rootR), v.x(rootS)), v.mul(v.mul(v.c(4), v.x(m)), v.x(C)))),
        ...put(yUp, v.mul(v.c(2), v.sub(v.mul(v.x(H), v.x(rootS)), v.mul(v.x(C), v.x(cross))))),
        ...put(xUp, v.sub(v.mul(v.x(rootR), v.x(rootS)), v.mul(v.mul(v.c(4), v.x(m)), v.x(C)))),
        ...down.code,
        ...up.code,
        ...put(GP, v.max(v.c(0), v.mul(v.c(2 / Math.PI), v.add(v.x(spread), v.x(down.out))))),
        ...put(CG, v.max(v.c(0), v.mul(v.c(2 / Math.PI), v.add(v.x(spread), v.x(up.out))))),
      ];
    }
    if (kind === "sin" || kind === "cos") {
      const sine = kind === "sin";
      const both = emitSinhCosh(b, C);
      const damp = b.v();
      const code: Code = [
        ...both.code,
        ...put(damp, v.mul(X(l, "extra"), Y(l, "extra"))),
        ...put(V, v.mul(v.x(damp), v.x(sine ? both.sinh : both.cosh))),
        ...put(D, v.mul(v.x(damp), v.x(sine ? both.cosh : both.sinh))),
      ];
      if (!gaps) return code;
      // activations.ts sineOrCosine's gaps, the same formulas: with f = sinh (sin) or cosh (cos),
      // sqrt(f(a) f(b)) -+ f(c) = [sqrt(f(a) f(b)) - f(m)] + [f(m) -+ f(c)], the second bracket by the
      // sum-to-product identities from g and h, the first from a second-order difference in a - b.
      const [m, rootGap, halfSum, halfDiff, gHalf, hHalf, squares, offDiagonal] = Array.from(
        { length: 8 },
        () => b.v(),
      );
      const at = {
        m: emitSinhCosh(b, m),
        sum: emitSinhCosh(b, halfSum),
        spread: emitSinhCosh(b, rootGap),
        diff: emitSinhCosh(b, halfDiff),
        g: emitSinhCosh(b, gHalf),
        h: emitSinhCosh(b, hHalf),
      };
      const two = (p: number, q: number): Code => v.mul(v.mul(v.c(2), v.x(p)), v.x(q));
      const minus = sine ? two(at.h.cosh, at.g.sinh) : two(at.h.sinh, at.g.sinh);
      const plus = sine ? two(at.h.sinh, at.g.cosh) : two(at.h.cosh, at.g.cosh);
      const diffSquared = v.mul(v.x(at.diff.sinh), v.x(at.diff.sinh));
      return [
        ...code,
        ...put(m, v.sqrt(v.mul(v.x(A), v.x(B)))),
        ...put(rootGap, v.div(v.sub(v.x(A), v.x(B)), v.add(X(l, "sd"), Y(l, "sd")))),
        // sinh(rootGap^2 / 2): the local is reused for its argument.
        ...put(rootGap, v.div(v.mul(v.x(rootGap), v.x(rootGap)), v.c(2))),
        ...put(halfSum, v.add(v.div(v.add(v.x(A), v.x(B)), v.c(2)), v.x(m))),
        ...put(halfDiff, v.div(v.sub(v.x(A), v.x(B)), v.c(2))),
        ...put(gHalf, v.div(v.x(G), v.c(2))),
        ...put(hHalf, v.div(v.x(H), v.c(2))),
        ...at.m.code,
        ...at.sum.code,
        ...at.spread.code,
        ...at.diff.code,
        ...at.g.code,
        ...at.h.code,
        ...put(squares, (sine ? v.sub : v.add)(v.mul(v.x(at.sum.sinh), v.x(at.spread.sinh)), diffSquared)),
        ...put(
          offDiagonal,
          v.div(v.x(squares), v.add(v.sqrt(v.mul(X(l, "f"), Y(l, "f"))), v.x(sine ? at.m.sinh : at.m.cosh))),
        ),
        ...put(GP, v.max(v.c(0), v.mul(v.x(damp), v.add(v.x(offDiagonal), minus)))),
        ...put(CG, v.max(v.c(0), v.mul(v.x(damp), v.add(v.x(offDiagonal), plus)))),
      ];
    }
    return emitReluDual(b, { A, B, G, H, V, D, GP, CG, t1 }, gaps);
  };

  /** The dense layer after hidden layer l < L - 1 (ntk.ts tileComputation's hidden). */
  const hidden = (l: number): Code => {
    const { alpha, beta, kind } = specs[l];
    const [ex, ey, root, a0, b0, r0, r1, spread, g, h, m, c1, c2, c3, m1, m2] = Array.from(
      { length: 16 },
      () => b.v(),
    );
    const code: Code = [];
    if (beta > 0) {
      code.push(...put(ex, X(l, "secondMoment")), ...put(ey, Y(l, "secondMoment")));
      code.push(...put(root, v.sqrt(v.mul(v.x(ex), v.x(ey)))));
    }
    if (beta > 0) {
      code.push(
        ...put(a0, v.mul(v.c(alpha), v.x(ex))),
        ...put(b0, v.mul(v.c(alpha), v.x(ey))),
        ...put(r0, v.mul(v.c(alpha), v.x(root))),
        ...put(r1, v.sqrt(v.mul(v.add(v.x(a0), v.c(beta)), v.add(v.x(b0), v.c(beta))))),
        ...put(spread, v.sub(X(l, "root"), Y(l, "root"))),
        ...put(
          g,
          v.add(
            v.mul(v.c(alpha), v.x(GP)),
            v.div(
              v.mul(v.mul(v.c(beta), v.x(spread)), v.x(spread)),
              v.add(v.add(v.x(r1), v.x(r0)), v.c(beta)),
            ),
          ),
        ),
        ...put(
          h,
          v.add(
            v.mul(v.c(alpha), v.x(CG)),
            v.add(
              v.div(v.mul(v.c(beta), v.add(v.add(v.x(a0), v.x(b0)), v.c(beta))), v.add(v.x(r1), v.x(r0))),
              v.c(beta),
            ),
          ),
        ),
      );
    } else {
      code.push(
        ...put(g, v.add(v.mul(v.c(alpha), v.x(GP)), v.c(0))),
        ...put(h, v.add(v.mul(v.c(alpha), v.x(CG)), v.c(0))),
      );
    }
    // The tie of (c, g, h) to the next variances (ntk.ts), branch-free: all three cases, one selected.
    code.push(
      ...put(m, v.mul(X(l + 1, "sd"), Y(l + 1, "sd"))),
      ...put(m1, v.lt(v.x(g), v.mul(v.c(0.5), v.x(m)))),
      ...put(m2, v.lt(v.x(h), v.mul(v.c(0.5), v.x(m)))),
      ...put(c1, v.sub(v.x(m), v.x(g))),
      ...put(c2, v.sub(v.x(h), v.x(m))),
      ...put(c3, v.add(v.mul(v.c(alpha), v.x(V)), v.c(beta))),
      ...put(C, v.sel(v.x(m1), v.x(c1), v.sel(v.x(m2), v.x(c2), v.x(c3)))),
      ...put(G, v.sel(v.x(m1), v.x(g), v.sub(v.x(m), v.x(C)))),
      ...put(H, v.sel(v.x(m1), v.add(v.x(m), v.x(C)), v.sel(v.x(m2), v.x(h), v.add(v.x(m), v.x(C))))),
      ...put(T, v.add(v.x(C), v.mul(v.mul(v.c(alpha), v.x(D)), v.x(T)))),
      ...put(A, X(l + 1, "variance")),
      ...put(B, Y(l + 1, "variance")),
    );
    return code;
  };

  /** The readout after layer l into output k: stored at out_k[i m + j], one or two lanes. */
  /** How a pair's results are stored: both lanes or lane 0 alone (the row's last column), mirrored or not. */
  type Store = { readonly both: boolean; readonly mirror: boolean };

  /** The readout after layer l into output k: stored at out_k[i m + j] (and its mirror image). */
  const readout = (l: number, k: number, store: Store): Code => {
    const alpha = specs[l].readout;
    const value = v.add(v.mul(v.c(alpha), v.x(V)), v.c(0));
    const K = output === "nngp" ? value : v.add(value, v.mul(v.mul(v.c(alpha), v.x(D)), v.x(T)));
    const base = slot(outSlot(L, k));
    const at = int.add(int.x(base), int.x(address));
    // K(X, X): each entry also into its mirror image, out[j m + i] (and out[(j + 1) m + i]).
    const image = int.add(int.x(base), int.x(mirrored));
    const lane = (l: number, address: Code): Code => [...address, ...v.x(t3), ...simd(0x5b, 3, 0, l)];
    const imageBelow = int.add(image, int.shl(int.x(stride), 3));
    const code: Code = [...put(t3, K)];
    if (store.both) {
      code.push(...put(acc, v.add(v.x(acc), v.sub(v.x(t3), v.x(t3)))), ...mem.store(at, v.x(t3)));
      if (store.mirror) code.push(...lane(0, image), ...lane(1, imageBelow));
    } else {
      // Lane 1 is a padding column: only lane 0 counts.
      code.push(
        ...put(acc, v.add(v.x(acc), v.and(v.sub(v.x(t3), v.x(t3)), LANE0))),
        ...mem.storeLow(at, v.x(t3)),
      );
      if (store.mirror) code.push(...lane(0, image));
    }
    return code;
  };

  // Each layer's code once; the readouts differ by how they store.
  const layers = specs.map((_, l) => ({ dual: dual(l, l < last), hidden: l < last ? hidden(l) : [] }));
  const pair = (store: Store): Code => [
    ...int.shl(int.x(j), 3),
    ...set(jOff),
    ...int.add(int.x(rowBase), int.x(jOff)),
    ...set(address),
    ...int.add(int.mul(int.x(jOff), int.x(stride)), int.shl(int.x(i), 3)),
    ...set(mirrored),
    ...int.add(int.x(slot(UNIT_YT)), int.x(jOff)),
    ...set(rowY),
    ...input,
    ...layers.flatMap((code, l) => [
      ...code.dual,
      ...(byDepth && l < last ? readout(l, l, store) : []),
      ...code.hidden,
    ]),
    ...readout(last, byDepth ? last : 0, store),
  ];
  /** The pairs of a row: two columns at a time, then the last one alone when their count is odd. */
  const columns = (mirror: boolean): Code => [
    ...ctl.loop(int.ge(int.add(int.x(j), int.c(1)), int.x(jEnd)), [
      ...pair({ both: true, mirror }),
      ...int.add(int.x(j), int.c(2)),
      ...set(j),
    ]),
    ...ctl.when(int.lt(int.x(j), int.x(jEnd)), pair({ both: false, mirror })),
  ];

  const rowLoop: Code = [
    // j from j0, or from max(j0, i) when symmetric.
    ...int.x(j0),
    ...set(j),
    ...ctl.when([...int.x(symmetric), ...int.lt(int.x(j), int.x(i)), 0x71], [...int.x(i), ...set(j)]),
    // The diagonal: the one pair (i, i) per row.
    ...int.x(j1),
    ...set(jEnd),
    ...ctl.when(int.x(diagonal), [...int.x(i), ...set(j), ...int.add(int.x(i), int.c(1)), ...set(jEnd)]),
    ...int.shl(int.mul(int.x(i), int.x(stride)), 3),
    ...set(rowBase),
    ...ctl.choose(int.x(symmetric), columns(true), columns(false)),
  ];
  const rows: Code = [
    ...int.x(i0),
    ...set(i),
    ...ctl.loop(int.ge(int.x(i), int.x(i1)), [
      ...int.add(int.x(slot(UNIT_X)), int.shl(int.mul(int.x(i), int.c(dims)), 3)),
      ...set(rowX),
      ...[...rowValues.entries()].flatMap(([s, local]) =>
        put(local, mem.splat(int.add(int.x(slot(s)), int.shl(int.x(i), 3)))),
      ),
      ...rowLoop,
      ...int.add(int.x(i), int.c(1)),
      ...set(i),
    ]),
  ];
  // Every slot the code reads is known now: their loads go first.
  const body: Code = [
    ...[STRIDE, M_PAD].flatMap((s, idx) => [...int.load(int.x(desc), 4 * s), ...set([stride, mPad][idx])]),
    ...[...slots.entries()].flatMap(([s, local]) => [...int.load(int.x(desc), 4 * s), ...set(local)]),
    ...yRows.flatMap((local, k) => [
      ...int.add(int.x(slot(UNIT_YT)), int.shl(int.mul(int.c(k), int.x(mPad)), 3)),
      ...set(local),
    ]),
    ...put(acc, mem.load(int.x(flag))),
    ...rows,
    ...mem.store(int.x(flag), v.x(acc)),
  ];
  return { name: "tile", params, locals: b.declaration(), code: body };
}

/** Compiled modules by architecture (layer kinds and scales), output and byDepth; null where SIMD is missing. */
const modules = new Map<string, WasmModule | null>();

function compiled(
  specs: readonly LayerSpec[],
  output: Output,
  byDepth: boolean,
  d1: number,
): WasmModule | null {
  const key = JSON.stringify([specs, output, byDepth, d1]);
  let module = modules.get(key);
  if (module === undefined) {
    const f = tileFunction(specs, output, byDepth, d1);
    const bytes = moduleBytes([f], { shared: true, maxPages: MAX_PAGES });
    module = wasmApi !== null && wasmApi.validate(bytes) ? new wasmApi.Module(bytes) : null;
    modules.set(key, module);
  }
  return module;
}

/** WebAssembly memory stops at 4 GiB (65536 pages); past it the JS engine computes the kernel. */
const MAX_PAGES = 65536;
const MAX_BYTES = MAX_PAGES * 65536;
/** Rows and columns of a tile of pairs: its Y-side arrays (columns x about 20 doubles) stay in the L2 cache. */
const TILE_ROWS = 16;
const TILE_COLUMNS = 512;

/**
 * Jobs up to this size share one memory, kept between calls: a WebAssembly memory reserves several GiB of
 * address space until it is collected, and thousands of small kernels (a spectrum's quadrature calls ntk
 * per node) would exhaust it before the garbage collector, which sees only their bytes, frees them.
 */
const SCRATCH_BYTES = 64 * 2 ** 20;
/** ... and results up to this size, copied out (a larger result keeps a memory of its own, as its rows' buffer). */
const COPIED_BYTES = 2 ** 22;
let scratch: WasmMemory | null = null;

function scratchMemory(bytes: number): WasmMemory | null {
  if (scratch === null || scratch.buffer.byteLength < bytes) scratch = newMemory(Math.max(bytes, 2 ** 20));
  return scratch;
}

/** A shared memory of at least `bytes`, or null where none can be had (the JS engine then runs). */
function newMemory(bytes: number): WasmMemory | null {
  const pages = Math.ceil(bytes / 65536);
  try {
    return new wasmApi!.Memory({ initial: pages, maximum: pages, shared: true });
  } catch {
    return null;
  }
}

/** A bump allocator of 16-byte aligned arrays in one memory, sized before the memory exists. */
class Layout {
  bytes = 0;
  take(doubles: number): number {
    const at = this.bytes;
    this.bytes += (doubles * 8 + 15) & ~15;
    return at;
  }
}

/**
 * The kernels (one, or one per depth with byDepth) of ntk.ts's recursion for the per-point passes px of X
 * and py of Y (py === px: symmetric K(X, X)), computed here; null where this file does not apply (see its
 * comment), "not finite" where an entry is not finite (the JS engine then recomputes it and names the
 * fault). diagonal: K(x_i, x_i) only, as one row (px === py).
 */
export function simdKernels(
  arch: Architecture,
  output: Output,
  px: SideArrays,
  py: SideArrays,
  d1: number,
  mode: { byDepth: boolean; diagonal: boolean },
): Matrix[] | Float64Array | "not finite" | null {
  if (wasmApi === null) return null;
  const specs = layerSpecs(arch);
  if (specs === null || !inRange(specs, px) || (py !== px && !inRange(specs, py))) return null;
  const L = specs.length;
  const symmetric = py === px;
  const n = px.norm.length;
  const m = py.norm.length;
  // Room for the second lane of a pair that starts at the last column (rows of K(X, X) start at j = i).
  const mPad = m + 2 - (m & 1);
  const outputs = mode.byDepth ? L : 1;
  const layout = new Layout();
  const slots = outSlot(L, outputs);
  const desc = layout.take(Math.ceil(slots / 2));
  const threads = tileThreads();
  const flags = layout.take(2 * threads);
  const counter = layout.take(2);
  const tiles: number[] = [];
  if (mode.diagonal) {
    for (let r0 = 0; r0 < n; r0 += TILE_COLUMNS) tiles.push(r0, Math.min(n, r0 + TILE_COLUMNS), 0, n);
  } else {
    for (let r0 = 0; r0 < n; r0 += TILE_ROWS) {
      for (let c0 = symmetric ? r0 : 0; c0 < m; c0 += TILE_COLUMNS) {
        tiles.push(r0, Math.min(n, r0 + TILE_ROWS), c0, Math.min(m, c0 + TILE_COLUMNS));
      }
    }
  }
  const table = layout.take(tiles.length / 2);
  // Without a first-layer bias the augmented coordinate is 0 in every unit vector: left out of the sums
  // (its terms are +0, which change no sum).
  const coords = arch.biasStd[0] === 0 ? d1 - 1 : d1;
  const unitX = layout.take(n * coords);
  const unitYt = layout.take(coords * mPad);
  const normX = layout.take(n);
  const normY = layout.take(mPad);
  const perLayer = specs.map(() => PER_LAYER.map(() => [layout.take(n), layout.take(mPad)] as const));
  const resultDoubles = mode.diagonal ? n : n * m;
  const results = Array.from({ length: outputs }, () => layout.take(resultDoubles));
  if (layout.bytes > MAX_BYTES) return null;
  const module = compiled(specs, output, mode.byDepth, coords);
  if (module === null) return null;
  const small = layout.bytes <= SCRATCH_BYTES && outputs * resultDoubles * 8 <= COPIED_BYTES;
  const memory = small ? scratchMemory(layout.bytes) : newMemory(layout.bytes);
  if (memory === null) return null;
  const buffer = memory.buffer as ArrayBuffer;
  const f64 = new Float64Array(buffer);
  const i32 = new Int32Array(buffer);
  const words = desc / 4;
  i32[words + STRIDE] = mode.diagonal ? 0 : m;
  i32[words + M_PAD] = mPad;
  i32[words + UNIT_X] = unitX;
  i32[words + UNIT_YT] = unitYt;
  i32[words + NORM_X] = normX;
  i32[words + NORM_Y] = normY;
  for (let i = 0; i < n; i++) f64.set(px.unit.subarray(i * d1, i * d1 + coords), unitX / 8 + i * coords);
  // Y's unit vectors transposed, and every Y array padded (to mPad) with copies of its last point.
  for (let k = 0; k < coords; k++) {
    const row = unitYt / 8 + k * mPad;
    for (let jj = 0; jj < mPad; jj++) f64[row + jj] = py.unit[Math.min(jj, m - 1) * d1 + k];
  }
  const fill = (at: number, values: Float64Array, length: number): void => {
    f64.set(values, at / 8);
    f64.fill(values[values.length - 1], at / 8 + values.length, at / 8 + length);
  };
  fill(normX, px.norm, n);
  fill(normY, py.norm, mPad);
  specs.forEach((spec, l) => {
    const extra = (side: SideArrays): Float64Array =>
      spec.kind === "sin" || spec.kind === "cos"
        ? side.variance[l].map((a) => Math.exp(-a / 2))
        : spec.kind === "erf"
          ? side.variance[l].map((a) => 1 + 2 * a)
          : side.variance[l];
    // Read by the gaps only, which the last layer does not compute. The compiled asin of 2a / (1 + 2a),
    // the same operations as the pair's 2m / sqrt(q_a q_b) at a = b.
    const gaps = l < L - 1;
    const angle = (side: SideArrays): Float64Array =>
      gaps && spec.kind === "erf"
        ? (simdMath(
            "asin",
            side.variance[l].map((a) => (2 * a) / (1 + 2 * a)),
          ) as Float64Array)
        : side.variance[l];
    const f = (side: SideArrays): Float64Array =>
      gaps && spec.kind === "sin"
        ? side.variance[l].map(Math.sinh)
        : gaps && spec.kind === "cos"
          ? side.variance[l].map(Math.cosh)
          : side.variance[l];
    const sources = [
      [px.variance[l], py.variance[l]],
      [px.sd[l], py.sd[l]],
      [px.secondMoment[l], py.secondMoment[l]],
      [px.root[l], py.root[l]],
      [extra(px), extra(py)],
      [angle(px), angle(py)],
      [f(px), f(py)],
    ];
    PER_LAYER.forEach((_, q) => {
      const [ax, ay] = perLayer[l][q];
      i32[words + layerSlot(l, q, 0)] = ax;
      i32[words + layerSlot(l, q, 1)] = ay;
      fill(ax, sources[q][0], n);
      fill(ay, sources[q][1], mPad);
    });
  });
  results.forEach((at, k) => (i32[words + outSlot(L, k)] = at));
  i32.set(tiles, table / 4);
  // A reused memory holds the last job's counter and flags.
  i32[counter / 4] = 0;
  f64.fill(0, flags / 8, flags / 8 + 2 * threads);
  const tile = new wasmApi.Instance(module, { env: { memory } }).exports.tile as (...args: number[]) => void;
  runTiles(
    {
      module,
      memory,
      desc,
      tiles: table,
      count: tiles.length / 4,
      counter,
      flags,
      symmetric,
      diagonal: mode.diagonal,
    },
    tile,
  );
  for (let k = 0; k < 2 * threads; k++) if (f64[flags / 8 + k] !== 0) return "not finite";
  if (mode.diagonal) return f64.slice(results[0] / 8, results[0] / 8 + n);

  // A small job's memory is reused by the next one: its rows are copied out. A large one's memory is the
  // result's own: its rows are views of it (no copy of up to 4 GiB).
  return results.map((at) => {
    const whole = new Float64Array(buffer, at, n * m);
    const rows = Array.from({ length: n }, (_, i) => {
      const view = whole.subarray(i * m, i * m + m);
      return small ? view.slice() : view;
    });
    return matrixOfRows(rows, m);
  });
}
