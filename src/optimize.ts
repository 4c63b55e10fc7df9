/**
 * One-dimensional minimization: bracketing a minimum, then shrinking the bracket by Brent's method
 * (parabolic interpolation safeguarded by golden-section steps) or by pure golden-section search.
 *
 * References: R. P. Brent, "Algorithms for Minimization without Derivatives" (1973), chapter 5, procedure
 * localmin; Press et al., "Numerical Recipes" (3rd ed., 2007), section 10.1 (mnbrak, the downhill bracket
 * search) and 10.2-10.3 (golden section, Brent). Both shrinking methods find a local minimum of f in the
 * interval; it is the global one when f is unimodal there.
 *
 * Tolerance. With tol = relativeTolerance |x| + absoluteTolerance, both methods stop when the interval
 * [a, b] known to contain the minimum satisfies |x - (a + b)/2| + (b - a)/2 <= 2 tol, so for a unimodal f
 * the returned x lies within 2 tol of the true minimizer, as far as f's rounding lets points be told
 * apart: near a smooth minimum f changes by only f''/2 dx^2, so x is resolved to about
 * sqrt(eps |f| / f''), not better (hence the default relative tolerance sqrt(eps)).
 */

import { describeValue } from "./validate";

/** (3 - sqrt 5) / 2: the golden-section fraction of an interval. */
const GOLDEN = (3 - Math.sqrt(5)) / 2;
/** (1 + sqrt 5) / 2: the factor by which the bracket search grows its steps. */
const PHI = (1 + Math.sqrt(5)) / 2;
/** Default relative tolerance in x: sqrt(eps), below which function values cannot separate points. */
export const DEFAULT_RELATIVE_TOLERANCE = Math.sqrt(Number.EPSILON);

export interface Bracket {
  /**
   * a < b < c with f(b) <= f(a) and f(b) <= f(c): a minimum lies in [a, c]. When atBound, b may equal c
   * (the bound, where f was lowest).
   */
  a: number;
  b: number;
  c: number;
  fa: number;
  fb: number;
  fc: number;
  /** Function evaluations used. */
  evaluations: number;
  /**
   * True when the search reached a bound with f still not rising: then b or c sits on the bound and the
   * minimum over [lower, upper] may be the bound itself.
   */
  atBound: boolean;
}

export interface BracketOptions {
  /** Smallest x the search may evaluate (default -Infinity). */
  lower?: number;
  /** Largest x the search may evaluate (default +Infinity). */
  upper?: number;
  /** Give up after this many evaluations (default 60). */
  maxEvaluations?: number;
}

export type MinimizeMethod = "brent" | "golden";

export interface MinimizeOptions {
  /** Absolute tolerance in x (default 1e-10). */
  absoluteTolerance?: number;
  /** Relative tolerance in x (default sqrt(eps) = 1.5e-8). */
  relativeTolerance?: number;
  /** Give up after this many iterations, one evaluation each (default 500). */
  maxIterations?: number;
}

export interface MinimizeScalarOptions extends MinimizeOptions {
  /** Search a bracket downhill from these two starting points (as bracketMinimum). */
  bracket?: readonly [number, number];
  /** Restrict x to [lower, upper]; without bracket, the method runs on this interval directly. */
  bounds?: readonly [number, number];
  /** "brent" (default) or "golden". */
  method?: MinimizeMethod;
  /** Evaluation limit of the bracket search (default 60). */
  maxBracketEvaluations?: number;
}

export interface MinimizeResult {
  /** The minimizer found. */
  x: number;
  /** f(x). */
  fx: number;
  /** Final interval known to contain the minimum (for a unimodal f): [lower, upper]. */
  interval: [number, number];
  /** Iterations of the shrinking method (one function evaluation each). */
  iterations: number;
  /** Function evaluations in all, bracket search included. */
  evaluations: number;
  /** True when the tolerance was met within maxIterations. */
  converged: boolean;
  method: MinimizeMethod;
  /** The bracket found by minimizeScalar's search, when one was run. */
  bracket?: Bracket;
}

function checkFunction(who: string, f: unknown): asserts f is (x: number) => number {
  if (typeof f !== "function") {
    throw new Error(`${who}: f must be a function of one number, got ${describeValue(f)}`);
  }
}

function checkNumber(who: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new Error(`${who}: ${name} must be a finite number, got ${String(value)}`);
  }
}

function checkCount(who: string, name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${who}: ${name} must be an integer >= ${min}, got ${value}`);
  }
}

/** f(x), checked: a NaN or infinite value stops the search with the x that produced it. */
function evaluator(
  who: string,
  f: (x: number) => number,
): { call: (x: number) => number; count: () => number } {
  let evaluations = 0;
  return {
    call(x: number): number {
      evaluations++;
      const v = f(x);
      if (typeof v !== "number" || Number.isNaN(v) || v === -Infinity) {
        throw new Error(`${who}: f(${x}) must be a number (not NaN or -Infinity), got ${String(v)}`);
      }
      return v;
    },
    count: () => evaluations,
  };
}

/**
 * Bracket a minimum of f by walking downhill from x0 towards x1 with growing steps (Numerical Recipes'
 * mnbrak: golden-ratio growth, parabolic extrapolation limited to 100 times the last step), never leaving
 * [lower, upper]. Returns a < b < c with f(b) <= f(a), f(c). Throws when no bracket is found within
 * maxEvaluations (f decreasing without bound, or constant).
 */
export function bracketMinimum(
  f: (x: number) => number,
  x0: number,
  x1: number,
  options: BracketOptions = {},
): Bracket {
  return bracketCore("bracketMinimum", BRACKET_NAMES, f, x0, x1, options ?? {});
}

/** How a caller names bracketMinimum's parameters in its messages. */
interface BracketNames {
  x0: string;
  x1: string;
  lower: string;
  upper: string;
  maxEvaluations: string;
}

const BRACKET_NAMES: BracketNames = {
  x0: "x0",
  x1: "x1",
  lower: "lower",
  upper: "upper",
  maxEvaluations: "maxEvaluations",
};

function bracketCore(
  who: string,
  names: BracketNames,
  f: (x: number) => number,
  x0: number,
  x1: number,
  options: BracketOptions,
): Bracket {
  checkFunction(who, f);
  checkNumber(who, names.x0, x0);
  checkNumber(who, names.x1, x1);
  const { lower = -Infinity, upper = Infinity, maxEvaluations = 60 } = options;
  if (typeof lower !== "number" || Number.isNaN(lower) || lower === Infinity) {
    throw new Error(`${who}: ${names.lower} must be a number < Infinity, got ${String(lower)}`);
  }
  if (typeof upper !== "number" || Number.isNaN(upper) || upper === -Infinity) {
    throw new Error(`${who}: ${names.upper} must be a number > -Infinity, got ${String(upper)}`);
  }
  if (!(lower < upper)) {
    throw new Error(
      `${who}: ${names.lower} must be < ${names.upper}, got ${names.lower}=${lower}, ${names.upper}=${upper}`,
    );
  }
  if (x0 === x1) throw new Error(`${who}: ${names.x0} and ${names.x1} must differ, got both ${x0}`);
  for (const [name, v] of [
    [names.x0, x0],
    [names.x1, x1],
  ] as const) {
    if (v < lower || v > upper) {
      throw new Error(
        `${who}: ${name} must lie in [${names.lower}, ${names.upper}] = [${lower}, ${upper}], got ${v}`,
      );
    }
  }
  checkCount(who, names.maxEvaluations, maxEvaluations, 3);
  const ev = evaluator(who, f);
  const clamp = (x: number): number => Math.min(upper, Math.max(lower, x));
  let a = x0;
  let b = x1;
  let fa = ev.call(a);
  let fb = ev.call(b);
  if (fb > fa) {
    [a, b] = [b, a];
    [fa, fb] = [fb, fa];
  }
  // Downhill from a through b; c is the next point beyond b.
  let c = clamp(b + PHI * (b - a));
  let fc = c === b ? fb : ev.call(c);
  let atBound = false;
  while (fb > fc || (c === b && fb <= fa)) {
    if (c === b || c === lower || c === upper) {
      // The walk reached a bound still going down: the minimum over the interval is at (or near) it.
      atBound = true;
      break;
    }
    if (ev.count() >= maxEvaluations) {
      throw new Error(
        `${who}: no bracket found within ${names.maxEvaluations} = ${maxEvaluations}: f kept decreasing ` +
          `from ${x0} towards ${c} (f = ${fc}); give bounds or other starting points`,
      );
    }
    // Parabolic extrapolation through a, b, c, limited to ulim = b + 100 (c - b).
    const r = (b - a) * (fb - fc);
    const q = (b - c) * (fb - fa);
    const denom = 2 * Math.sign(q - r) * Math.max(Math.abs(q - r), 1e-21);
    let u = b - ((b - c) * q - (b - a) * r) / denom;
    const ulim = clamp(b + 100 * (c - b));
    let fu: number;
    if ((b - u) * (u - c) > 0) {
      // u between b and c.
      fu = ev.call(u);
      if (fu < fc) {
        return finish(b, u, c, fb, fu, fc, ev.count(), false);
      }
      if (fu > fb) {
        return finish(a, b, u, fa, fb, fu, ev.count(), false);
      }
      u = clamp(c + PHI * (c - b));
      fu = ev.call(u);
    } else if ((c - u) * (u - ulim) > 0) {
      // u between c and its limit.
      fu = ev.call(u);
      if (fu < fc) {
        b = c;
        c = u;
        u = clamp(c + PHI * (c - b));
        fb = fc;
        fc = fu;
        fu = u === c ? fc : ev.call(u);
      }
    } else if ((u - ulim) * (ulim - c) >= 0) {
      u = ulim;
      fu = u === c ? fc : ev.call(u);
    } else {
      u = clamp(c + PHI * (c - b));
      fu = u === c ? fc : ev.call(u);
    }
    a = b;
    b = c;
    c = u;
    fa = fb;
    fb = fc;
    fc = fu;
  }
  if (atBound) {
    // b is made the lowest point found; it may coincide with c, the bound.
    if (fc < fb) return finish(b, c, c, fb, fc, fc, ev.count(), true);
    return finish(a, b, c, fa, fb, fc, ev.count(), true);
  }
  return finish(a, b, c, fa, fb, fc, ev.count(), false);
}

function finish(
  a: number,
  b: number,
  c: number,
  fa: number,
  fb: number,
  fc: number,
  evaluations: number,
  atBound: boolean,
): Bracket {
  if (a > c) return { a: c, b, c: a, fa: fc, fb, fc: fa, evaluations, atBound };
  return { a, b, c, fa, fb, fc, evaluations, atBound };
}

function tolerances(
  who: string,
  options: MinimizeOptions,
): { abs: number; rel: number; maxIterations: number } {
  const {
    absoluteTolerance = 1e-10,
    relativeTolerance = DEFAULT_RELATIVE_TOLERANCE,
    maxIterations = 500,
  } = options;
  if (!(Number.isFinite(absoluteTolerance) && absoluteTolerance > 0)) {
    throw new Error(`${who}: absoluteTolerance must be a finite number > 0, got ${absoluteTolerance}`);
  }
  if (!(Number.isFinite(relativeTolerance) && relativeTolerance >= 0)) {
    throw new Error(`${who}: relativeTolerance must be a finite number >= 0, got ${relativeTolerance}`);
  }
  checkCount(who, "maxIterations", maxIterations, 1);
  return { abs: absoluteTolerance, rel: relativeTolerance, maxIterations };
}

function checkInterval(who: string, lower: number, upper: number): void {
  checkNumber(who, "lower", lower);
  checkNumber(who, "upper", upper);
  if (!(lower < upper)) throw new Error(`${who}: lower must be < upper, got lower=${lower}, upper=${upper}`);
}

/**
 * Brent's method on [lower, upper]: a local minimum of f, by parabolic interpolation through the three best
 * points where it is safe and golden-section steps where it is not (Brent 1973, localmin). Superlinear on
 * smooth minima, never slower than golden section by more than a factor of about two.
 */
export function brentMinimize(
  f: (x: number) => number,
  lower: number,
  upper: number,
  options: MinimizeOptions = {},
): MinimizeResult {
  return brentCore("brentMinimize", f, lower, upper, options, undefined);
}

function brentCore(
  who: string,
  f: (x: number) => number,
  lower: number,
  upper: number,
  options: MinimizeOptions,
  start: { x: number; fx: number } | undefined,
): MinimizeResult {
  checkFunction(who, f);
  checkInterval(who, lower, upper);
  const { abs, rel, maxIterations } = tolerances(who, options);
  const ev = evaluator(who, f);
  let a = lower;
  let b = upper;
  let x: number;
  let fx: number;
  if (start && start.x > a && start.x < b) {
    x = start.x;
    fx = start.fx;
  } else {
    x = a + GOLDEN * (b - a);
    fx = ev.call(x);
  }
  let w = x;
  let v = x;
  let fw = fx;
  let fv = fx;
  let d = 0;
  let e = 0;
  let iterations = 0;
  let converged = false;
  for (;;) {
    const m = 0.5 * (a + b);
    const tol = rel * Math.abs(x) + abs;
    const tol2 = 2 * tol;
    if (Math.abs(x - m) <= tol2 - 0.5 * (b - a)) {
      converged = true;
      break;
    }
    if (iterations >= maxIterations) break;
    iterations++;
    let golden = true;
    if (Math.abs(e) > tol) {
      // Parabola through (v, fv), (w, fw), (x, fx): its vertex is x + p / q.
      let r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      else q = -q;
      r = e;
      e = d;
      if (Math.abs(p) < Math.abs(0.5 * q * r) && p > q * (a - x) && p < q * (b - x)) {
        d = p / q;
        const u = x + d;
        // Do not evaluate too close to the ends of the interval.
        if (u - a < tol2 || b - u < tol2) d = x < m ? tol : -tol;
        golden = false;
      }
    }
    if (golden) {
      e = (x < m ? b : a) - x;
      d = GOLDEN * e;
    }
    // Never step by less than tol: points closer than that cannot be told apart.
    const u = x + (Math.abs(d) >= tol ? d : d > 0 ? tol : -tol);
    const fu = ev.call(u);
    if (fu <= fx) {
      if (u < x) b = x;
      else a = x;
      v = w;
      fv = fw;
      w = x;
      fw = fx;
      x = u;
      fx = fu;
    } else {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w === x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    }
  }
  return { x, fx, interval: [a, b], iterations, evaluations: ev.count(), converged, method: "brent" };
}

/**
 * Golden-section search on [lower, upper]: each step keeps the golden-ratio sub-interval holding the lower
 * of two interior points, shrinking the interval by 0.618 per evaluation. Slower than Brent's method but
 * needs nothing beyond unimodality (kinks and flat stretches do not mislead it).
 */
export function goldenSectionMinimize(
  f: (x: number) => number,
  lower: number,
  upper: number,
  options: MinimizeOptions = {},
): MinimizeResult {
  return goldenCore("goldenSectionMinimize", f, lower, upper, options);
}

function goldenCore(
  who: string,
  f: (x: number) => number,
  lower: number,
  upper: number,
  options: MinimizeOptions,
): MinimizeResult {
  checkFunction(who, f);
  checkInterval(who, lower, upper);
  const { abs, rel, maxIterations } = tolerances(who, options);
  const ev = evaluator(who, f);
  let a = lower;
  let b = upper;
  let x1 = a + GOLDEN * (b - a);
  let x2 = b - GOLDEN * (b - a);
  let f1 = ev.call(x1);
  let f2 = ev.call(x2);
  let iterations = 0;
  let converged = false;
  for (;;) {
    const x = f1 <= f2 ? x1 : x2;
    const m = 0.5 * (a + b);
    const tol = rel * Math.abs(x) + abs;
    if (Math.abs(x - m) <= 2 * tol - 0.5 * (b - a)) {
      converged = true;
      break;
    }
    if (iterations >= maxIterations) break;
    iterations++;
    if (f1 <= f2) {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = a + GOLDEN * (b - a);
      f1 = ev.call(x1);
    } else {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = b - GOLDEN * (b - a);
      f2 = ev.call(x2);
    }
  }
  const best = f1 <= f2 ? { x: x1, fx: f1 } : { x: x2, fx: f2 };
  return {
    ...best,
    interval: [a, b],
    iterations,
    evaluations: ev.count(),
    converged,
    method: "golden",
  };
}

/**
 * Minimize f of one variable, in the manner of scipy.optimize.minimize_scalar:
 * - with `bracket: [x0, x1]`, first search a bracket downhill from x0 towards x1 (inside `bounds` when
 *   given), then shrink it;
 * - with only `bounds: [lower, upper]`, shrink that interval directly.
 * The result carries the bracket, the final interval, the evaluation count and whether the tolerance was met.
 */
export function minimizeScalar(f: (x: number) => number, options: MinimizeScalarOptions): MinimizeResult {
  const who = "minimizeScalar";
  checkFunction(who, f);
  if (!options || typeof options !== "object") {
    throw new Error(
      `${who}: options must be an object with bracket: [x0, x1] or bounds: [lower, upper], got ${describeValue(options)}`,
    );
  }
  const { bracket, bounds, method = "brent", maxBracketEvaluations = 60 } = options;
  if (method !== "brent" && method !== "golden") {
    throw new Error(`${who}: method must be "brent" or "golden", got ${String(method)}`);
  }
  const pair = (name: string, value: unknown): [number, number] => {
    if (!Array.isArray(value) || value.length !== 2) {
      throw new Error(`${who}: ${name} must be an array of two numbers, got ${describeValue(value)}`);
    }
    checkNumber(who, `${name}[0]`, value[0]);
    checkNumber(who, `${name}[1]`, value[1]);
    return [value[0], value[1]];
  };
  const limits = bounds === undefined ? undefined : pair("bounds", bounds);
  if (limits && !(limits[0] < limits[1])) {
    throw new Error(`${who}: bounds must satisfy bounds[0] < bounds[1], got [${limits[0]}, ${limits[1]}]`);
  }
  if (bracket === undefined) {
    if (!limits) throw new Error(`${who}: give bracket: [x0, x1] or bounds: [lower, upper] (got neither)`);
    return method === "brent"
      ? brentCore(who, f, limits[0], limits[1], options, undefined)
      : goldenCore(who, f, limits[0], limits[1], options);
  }
  const [x0, x1] = pair("bracket", bracket);
  const found = bracketCore(
    who,
    {
      x0: "bracket[0]",
      x1: "bracket[1]",
      lower: "bounds[0]",
      upper: "bounds[1]",
      maxEvaluations: "maxBracketEvaluations",
    },
    f,
    x0,
    x1,
    { lower: limits?.[0], upper: limits?.[1], maxEvaluations: maxBracketEvaluations },
  );
  // Shrink [a, c]; Brent starts from the bracket's best point b.
  const result =
    method === "brent"
      ? brentCore(who, f, found.a, found.c, options, { x: found.b, fx: found.fb })
      : goldenCore(who, f, found.a, found.c, options);
  const best = found.fb < result.fx ? { x: found.b, fx: found.fb } : { x: result.x, fx: result.fx };
  return { ...result, ...best, evaluations: result.evaluations + found.evaluations, bracket: found };
}
