/**
 * The argument classes of test/argument-classes.test.ts: what kinds of argument the lab's functions take
 * (point sets, matrices, vectors, numbers with a rule, option objects, callbacks, objects), and for each
 * kind the classes of bad or awkward values (flat lists, NaN / Infinity, empty, ragged, wrong dimension,
 * degenerate matrices, extreme magnitudes, wrong types) with what the lab must do with each: throw an
 * Error that names the function, the parameter and the value and says what is allowed, or return a
 * checked answer. Cases are generated here from these definitions, never written one by one.
 */
import assert from "node:assert/strict";
import { Matrix } from "ml-matrix";

/** Where a parameter sits: the argument index, then keys into an options object. */
export type Path = readonly [number, ...string[]];

export type Kind =
  /** A set of points: a Matrix, rows of coordinates, or (1-D points) a flat list of numbers. */
  | { kind: "points"; sameDimensionAs?: string }
  /** A matrix argument; a symmetric one must be rejected when it is not symmetric. */
  | {
      kind: "matrix";
      shape: "symmetric" | "any";
      /** Rows of numbers instead of a Matrix: "accepted" (documented), or "either" (accepted or refused). */
      rows: "accepted" | "either";
      /** The matrix is the only data argument, so it may be replaced by one of another size. */
      resizable?: boolean;
    }
  /** A list of numbers; "fixed": its length is tied to other arguments. */
  | { kind: "vector"; length: "fixed" | "free"; empty?: "accepted" }
  /** A number with a rule: ok says which values are allowed, allowed says it in words. */
  | { kind: "number"; ok: (v: number) => boolean; probes: readonly unknown[]; accepted?: readonly number[] }
  | { kind: "choice"; values: readonly string[] }
  | { kind: "options" }
  /** A callback; a bad one returns NaN (NaN entries, a matrix of NaN). */
  | { kind: "callback"; returns: "number" | "numbers" | "matrix" }
  /** A structured object of the lab (an Architecture, a Network, an Activation, a DataFrame, a figure). */
  | { kind: "object" }
  /** A non-empty array of items (activations, fits, pairs). */
  | { kind: "list" }
  /** Anything else (names, ids, paths, pairs of numbers): the bad values are listed. */
  | { kind: "bad"; values: readonly unknown[] }
  /** gemm's { rows, cols, data } operands. */
  | { kind: "mat" };

export type Param = Kind & {
  at: Path;
  /** The parameter's name as messages must show it (alternatives allowed). */
  name: string | readonly string[];
  /** May be left out (then the default applies): undefined is not a bad value for it. */
  optional?: boolean;
};

export interface Row {
  /** The export this row belongs to. */
  export: string;
  /** What the row calls, when not the export itself with the arguments (a method of a result, a mode). */
  label?: string;
  /** The name messages must start with (default: the export's name). */
  who?: string;
  /** Valid arguments, built fresh for every case (some functions modify them, e.g. train). */
  args: () => unknown[];
  /** Default: the export called with the arguments. */
  call?: (...args: unknown[]) => unknown;
  params: readonly Param[];
  /** The value that is compared and scanned instead of the raw result (e.g. a function's values). */
  inspect?: (result: unknown) => unknown;
  /** Infinity is a right answer (an unstable iteration that overflows); NaN never is. */
  allowInfinity?: boolean;
  /** The right answer for a constant or zero matrix in place of the matrix parameter. */
  degenerate?: (result: unknown, K: number[][]) => void;
  /** Cases beyond the generated ones (specific right answers). */
  extra?: readonly Case[];
}

export interface NothingRow {
  export: string;
  takes: "nothing checkable";
  why: string;
}

export type Expectation =
  /** Throws an Error: function, parameter, these pieces of the value, and a word of what is allowed. */
  | { throws: readonly (string | RegExp)[]; name?: string | readonly string[] }
  /** Returns what the call with these arguments returns. */
  | { same: () => unknown[] }
  /** Returns a finite result (checked by answer when given), or throws an Error naming the parameter. */
  | { finiteOrRefused: true; answer?: (result: unknown) => void }
  /** Returns this checked answer (and nothing non-finite). */
  | { answer: (result: unknown) => void; allowNaN?: boolean }
  /** Either returns what the call with these arguments returns, or refuses naming the parameter. */
  | { sameOrRefused: () => unknown[] };

export interface Case {
  class: string;
  label: string;
  /** The parameter's name as messages may show it (alternatives). */
  param: string | readonly string[];
  args: () => unknown[];
  expect: Expectation;
}

// ---- values ------------------------------------------------------------------------------------------

function get(args: unknown[], at: Path): unknown {
  let v: unknown = args[at[0]];
  for (const key of at.slice(1)) v = (v as Record<string, unknown> | undefined)?.[key];
  return v;
}

/** A copy of args with the value at `at` replaced (objects on the way copied, not modified). */
export function withValue(args: unknown[], at: Path, value: unknown): unknown[] {
  const out = [...args];
  if (at.length === 1) {
    out[at[0]] = value;
    return out;
  }
  const set = (obj: unknown, keys: readonly string[]): unknown => {
    const copy = { ...((obj ?? {}) as Record<string, unknown>) };
    if (keys.length === 1) copy[keys[0]] = value;
    else copy[keys[0]] = set(copy[keys[0]], keys.slice(1));
    return copy;
  };
  out[at[0]] = set(out[at[0]], at.slice(1) as string[]);
  return out;
}

/** A value as a message shows it: what must appear in the Error. */
export function shown(v: unknown): string {
  return typeof v === "object" && v !== null ? JSON.stringify(v) : String(v);
}

function rowsOf(v: unknown): number[][] {
  if (v instanceof Matrix) return v.to2DArray();
  return Array.from(v as ArrayLike<ArrayLike<number>>, (r) => Array.from(r));
}

function asMatrixLike(template: unknown, rows: number[][]): unknown {
  return template instanceof Matrix ? (rows.length ? new Matrix(rows) : new Matrix(0, 0)) : rows;
}

const firstName = (name: Param["name"]): string => (typeof name === "string" ? name : name[0]);

// ---- the classes ---------------------------------------------------------------------------------------

/** Every case of one parameter of a row, from its kind. */
export function casesFor(row: Row, p: Param): Case[] {
  const name = firstName(p.name);
  const valid = get(row.args(), p.at);
  const cases: Case[] = [];
  const add = (cls: string, label: string, value: () => unknown, expect: Expectation): void => {
    cases.push({
      class: cls,
      label,
      param: p.name,
      args: () => withValue(row.args(), p.at, value()),
      expect: "throws" in expect && expect.name === undefined ? { ...expect, name: p.name } : expect,
    });
  };
  const throws = (...shows: (string | RegExp)[]): Expectation => ({ throws: shows });
  // A primitive must appear in the message as it prints; an object or array only needs its parameter named.
  const wrongTypes = (values: readonly unknown[], cls = "wrong type"): void => {
    for (const v of values) {
      if (v === null && !required) {
        // null for a parameter that may be left out: the default, or a refusal.
        add(cls, `null as ${name} (optional)`, () => null, {
          sameOrRefused: () => withValue(row.args(), p.at, undefined),
        });
        continue;
      }
      const show = v !== null && typeof v === "object" ? [] : [shown(v)];
      add(cls, `${shown(v) ?? typeof v} as ${name}`, () => v, throws(...show));
    }
  };
  const required = !p.optional;
  switch (p.kind) {
    case "points": {
      const rows = rowsOf(valid);
      const d = rows[0].length;
      if (d === 1) {
        add("flat list", `${name} as a flat list of numbers`, () => rows.map((r) => r[0]), {
          same: () => row.args(),
        });
        add(
          "NaN / Infinity",
          `NaN in a flat list ${name}`,
          () => rows.map((r, i) => (i === 1 ? NaN : r[0])),
          {
            throws: ["NaN", "1"],
          },
        );
      }
      for (const bad of [NaN, Infinity, -Infinity]) {
        add(
          "NaN / Infinity",
          `${bad} in ${name}[1][0]`,
          () => {
            const copy = rows.map((r) => [...r]);
            copy[1][0] = bad;
            return asMatrixLike(valid, copy);
          },
          throws(String(bad), "[1][0]"),
        );
      }
      add("empty", `${name} with no points`, () => asMatrixLike(valid, []), throws(/\b0\b|empty|no points/));
      add("empty", `${name} with points of no coordinates`, () => rows.map(() => []), throws(/\b0\b|empty/));
      add(
        "ragged",
        `${name}[1] longer than ${name}[0]`,
        () => rows.map((r, i) => (i === 1 ? [...r, 0.25] : r)),
        throws("[1]", String(d + 1)),
      );
      add(
        "ragged",
        `${name}[1] a number among rows`,
        () => rows.map((r, i) => (i === 1 ? r[0] : r)),
        throws("[1]"),
      );
      if (p.sameDimensionAs) {
        add(
          "wrong dimension",
          `${name} of dimension ${d + 1} (${p.sameDimensionAs} fixes ${d})`,
          () => rows.map((r) => [...r, 0.5]),
          throws(String(d + 1), String(d)),
        );
      }
      for (const scale of [1e150, 1e-150]) {
        add(
          "extreme magnitudes",
          `${name} scaled by ${scale}`,
          () =>
            asMatrixLike(
              valid,
              rows.map((r) => r.map((v) => v * scale)),
            ),
          { finiteOrRefused: true },
        );
      }
      add(
        "extreme magnitudes",
        `${name} mixing 1e-150 and 1e150`,
        () =>
          asMatrixLike(
            valid,
            rows.map((r, i) => r.map((v) => v * (i % 2 ? 1e150 : 1e-150))),
          ),
        { finiteOrRefused: true },
      );
      wrongTypes(required ? [null, 7, "abc"] : [null, 7]);
      break;
    }
    case "matrix": {
      const rows = rowsOf(valid);
      const n = rows.length;
      const m = rows[0].length;
      const entry =
        (i: number, j: number, v: number, mirror = p.shape === "symmetric") =>
        () => {
          const copy = rows.map((r) => [...r]);
          copy[i][j] = v;
          if (mirror) copy[j][i] = v;
          return asMatrixLike(valid, copy);
        };
      for (const bad of [NaN, Infinity, -Infinity]) {
        add("NaN / Infinity", `${bad} in ${name}[0][1]`, entry(0, 1, bad), throws(String(bad)));
      }
      add("empty", `${name} 0 x 0`, () => asMatrixLike(valid, []), throws(/\b0\b|empty/));
      if (p.shape === "symmetric") {
        add(
          "wrong dimension",
          `${name} ${n} x ${n + 1} (not square)`,
          () =>
            asMatrixLike(
              valid,
              rows.map((r) => [...r, 0]),
            ),
          throws(/square/, String(n + 1)),
        );
        add(
          "degenerate matrices",
          `${name} not symmetric`,
          entry(0, 1, rows[0][1] + 1, false),
          throws(/symmetric/),
        );
        for (const [what, c] of [
          ["constant", 1],
          ["zero", 0],
        ] as const) {
          const K = rows.map((r) => r.map(() => c));
          add("degenerate matrices", `${name} ${what} ${n} x ${n}`, () => asMatrixLike(valid, K), {
            finiteOrRefused: true,
            answer: row.degenerate && ((r) => row.degenerate?.(r, K)),
          });
          if (p.resizable && c === 1) {
            const big = Array.from({ length: 359 }, () => new Array<number>(359).fill(1));
            add("degenerate matrices", `${name} constant 359 x 359`, () => asMatrixLike(valid, big), {
              finiteOrRefused: true,
              answer: row.degenerate && ((r) => row.degenerate?.(r, big)),
            });
          }
        }
      } else {
        add(
          "wrong dimension",
          `${name} with one column too many`,
          () =>
            asMatrixLike(
              valid,
              rows.map((r) => [...r, 0]),
            ),
          throws(String(m + 1)),
        );
      }
      const asRows = () => rows.map((r) => [...r]);
      if (valid instanceof Matrix) {
        add(
          "wrong type",
          `${name} as rows of numbers`,
          asRows,
          p.rows === "accepted" ? { same: () => row.args() } : { sameOrRefused: () => row.args() },
        );
      }
      add("flat list", `${name} as a flat list of numbers`, () => rows.flat(), throws());
      add(
        "extreme magnitudes",
        `${name} times 1e300`,
        () =>
          asMatrixLike(
            valid,
            rows.map((r) => r.map((v) => v * 1e300)),
          ),
        { finiteOrRefused: true },
      );
      wrongTypes([null, 7]);
      break;
    }
    case "vector": {
      const values = Array.from(valid as ArrayLike<number>);
      for (const bad of [NaN, Infinity, -Infinity]) {
        add(
          "NaN / Infinity",
          `${bad} in ${name}[1]`,
          () => values.map((v, i) => (i === 1 ? bad : v)),
          throws(String(bad), "[1]"),
        );
      }
      if (p.length === "fixed") {
        add(
          "wrong dimension",
          `${name} one value short`,
          () => values.slice(1),
          throws(String(values.length - 1)),
        );
        add("empty", `${name} empty`, () => [], throws(/\b0\b|empty/));
      } else if (p.empty === "accepted") {
        add("empty", `${name} empty`, () => [], { finiteOrRefused: true });
      } else {
        add("empty", `${name} empty`, () => [], throws(/\b0\b|empty/));
      }
      add("ragged", `${name} holding a row`, () => values.map((v, i) => (i === 1 ? [v] : v)), throws("[1]"));
      add("extreme magnitudes", `${name} times 1e300`, () => values.map((v) => v * 1e300), {
        finiteOrRefused: true,
      });
      add("extreme magnitudes", `${name} times 1e-300`, () => values.map((v) => v * 1e-300), {
        finiteOrRefused: true,
      });
      wrongTypes([null, 7]);
      break;
    }
    case "number": {
      for (const v of p.probes) {
        if (v === undefined && !required) continue;
        if (typeof v === "number" && p.ok(v)) continue;
        const cls =
          typeof v !== "number" ? "wrong type" : Number.isFinite(v) ? "out of range" : "NaN / Infinity";
        if (v === null && !required) {
          add(cls, `${name} = null (optional)`, () => null, {
            sameOrRefused: () => withValue(row.args(), p.at, undefined),
          });
          continue;
        }
        add(cls, `${name} = ${shown(v)}`, () => v, throws(shown(v)));
      }
      for (const v of p.accepted ?? []) {
        add("extreme magnitudes", `${name} = ${v}`, () => v, { finiteOrRefused: true });
      }
      break;
    }
    case "choice":
      wrongTypes(["bogus", ...(required ? [undefined] : []), null, 3]);
      break;
    case "list":
      wrongTypes([[], ...(required ? [undefined] : []), null, 5]);
      add("wrong type", `${name}[0] not an item`, () => [5], throws("[0]"));
      break;
    case "options":
      if (required) wrongTypes([undefined, null, 5]);
      else
        // Optional options left null: the defaults, as for an omitted argument, in every function.
        add("wrong type", `${name} = null`, () => null, { same: () => withValue(row.args(), p.at, {}) });
      break;
    case "callback": {
      wrongTypes([null, 5]);
      const f = valid as (...a: unknown[]) => unknown;
      const nan = {
        number: () => NaN,
        numbers: (...a: unknown[]) => Array.from(f(...a) as ArrayLike<number>, () => NaN),
        matrix: () => ({ get: () => NaN }),
      }[p.returns];
      add("NaN / Infinity", `${name} returning NaN`, () => nan, throws("NaN"));
      break;
    }
    case "object":
      wrongTypes(required ? [{}, null, 5] : [{}, 5]);
      break;
    case "bad":
      wrongTypes(p.values, "bad value");
      break;
    case "mat": {
      wrongTypes([null, {}]);
      const { rows: r, cols: c } = valid as { rows: number; cols: number };
      add(
        "wrong dimension",
        `${name} with data of the wrong length`,
        () => ({ rows: r, cols: c, data: new Float64Array(r * c + 1) }),
        throws(),
      );
      break;
    }
  }
  return cases;
}

// ---- checks --------------------------------------------------------------------------------------------

/** Plain data for comparison: Matrices and typed arrays as arrays; functions and timings left out. */
export function plain(v: unknown, seen = new WeakSet<object>()): unknown {
  if (v instanceof Matrix) return v.to2DArray();
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  if (Array.isArray(v)) return v.map((x) => plain(x, seen));
  if (v !== null && typeof v === "object") {
    if (seen.has(v)) return "[cycle]";
    seen.add(v);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === "function" || k === "seconds") continue;
      out[k] = plain(x, seen);
    }
    return out;
  }
  return typeof v === "function" ? "[function]" : v;
}

/** Where a result holds NaN (or an infinity, unless allowed): the path of the first such number. */
export function nonFinite(v: unknown, allowInfinity = false, path = "result"): string | null {
  if (typeof v === "number") {
    if (Number.isNaN(v) || (!allowInfinity && !Number.isFinite(v))) return `${path} = ${v}`;
    return null;
  }
  if (v !== null && typeof v === "object") {
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    for (const [k, x] of entries) {
      const bad = nonFinite(x, allowInfinity, Array.isArray(v) ? `${path}[${k}]` : `${path}.${k}`);
      if (bad) return bad;
    }
  }
  return null;
}

const ALLOWED = /\b(must|allowed|expected|pass|only|needs?|required|at most|at least)\b/;

/** The rules for an Error: names the function first, the parameter, the value, and what is allowed. */
export function checkError(
  e: unknown,
  who: string,
  name: string | readonly string[] | undefined,
  shows: readonly (string | RegExp)[],
): void {
  assert.ok(e instanceof Error, `threw ${String(e)}, not an Error`);
  const message = e.message;
  const prefix = new RegExp(`^${who.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[:. ]`);
  assert.match(message, prefix, `the message must start with "${who}:" (no internal or foreign name)`);
  if (name !== undefined) {
    const names = typeof name === "string" ? [name] : name;
    assert.ok(
      names.some((n) => message.includes(n)),
      `the message must name the parameter ${names.join(" or ")}: ${message}`,
    );
  }
  for (const s of shows) {
    if (typeof s === "string") assert.ok(message.includes(s), `the message must show ${s}: ${message}`);
    else assert.match(message, s, `the message must show the value (${s}): ${message}`);
  }
  assert.match(message, ALLOWED, `the message must say what is allowed: ${message}`);
}

/** Runs one case of a row against its expectation. */
export function runCase(row: Row, c: Case, exported: (...args: unknown[]) => unknown): void {
  const who = row.who ?? row.export;
  const call = row.call ?? exported;
  const run = (args: unknown[]): unknown => {
    const result = call(...args);
    return row.inspect ? row.inspect(result) : result;
  };
  const e = c.expect;
  const finite = (result: unknown, allowInfinity = row.allowInfinity ?? false): void => {
    const bad = nonFinite(plain(result), allowInfinity);
    assert.equal(bad, null, `non-finite value in the result: ${bad}`);
  };
  if ("throws" in e) {
    let result: unknown;
    try {
      result = run(c.args());
    } catch (err) {
      checkError(err, who, e.name, e.throws);
      return;
    }
    assert.fail(`accepted it and returned ${JSON.stringify(plain(result))?.slice(0, 200)}`);
  }
  if ("same" in e) {
    // The same answer, or the same Error (null options where the defaults themselves are refused).
    const outcome = (args: unknown[]): { got: unknown } | { error: string } => {
      try {
        return { got: run(args) };
      } catch (err) {
        return { error: err instanceof Error ? err.message : String(err) };
      }
    };
    const got = outcome(c.args());
    if ("got" in got) finite(got.got);
    assert.deepEqual(plain(got), plain(outcome(e.same())));
    return;
  }
  // A refusal must be a proper Error (then null); an answer must be finite.
  const answerOrRefusal = (): { got: unknown } | null => {
    let got: unknown;
    try {
      got = run(c.args());
    } catch (err) {
      checkError(err, who, c.param, []);
      return null;
    }
    finite(got);
    return { got };
  };
  if ("sameOrRefused" in e) {
    const answer = answerOrRefusal();
    if (answer) assert.deepEqual(plain(answer.got), plain(run(e.sameOrRefused())));
    return;
  }
  if ("finiteOrRefused" in e) {
    const answer = answerOrRefusal();
    if (answer) e.answer?.(answer.got);
    return;
  }
  const got = run(c.args());
  if (!e.allowNaN) finite(got, row.allowInfinity);
  e.answer(got);
}

// ---- number rules ----------------------------------------------------------------------------------------

const COMMON = [NaN, Infinity, -Infinity, null, undefined];

export const positive = (accepted: readonly number[] = [1e-200, 1e200]): Kind => ({
  kind: "number",
  ok: (v) => Number.isFinite(v) && v > 0,
  probes: [...COMMON, 0, -1],
  accepted,
});

export const nonNegative = (accepted: readonly number[] = [0, 1e200]): Kind => ({
  kind: "number",
  ok: (v) => Number.isFinite(v) && v >= 0,
  probes: [...COMMON, -1e-300, -1],
  accepted,
});

export const finite = (accepted: readonly number[] = [1e300, -1e300]): Kind => ({
  kind: "number",
  ok: (v) => Number.isFinite(v),
  probes: COMMON,
  accepted,
});

export const integer = (min: number, max = Infinity): Kind => ({
  kind: "number",
  ok: (v) => Number.isInteger(v) && v >= min && v <= max,
  probes: [...COMMON, min - 1, min + 0.5, ...(max < Infinity ? [max + 1] : [])],
});

/** lo < v < hi, with either end included when asked. */
export const range = (lo: number, hi: number, { loIn = false, hiIn = false } = {}): Kind => ({
  kind: "number",
  ok: (v) => Number.isFinite(v) && (loIn ? v >= lo : v > lo) && (hiIn ? v <= hi : v < hi),
  probes: [
    ...COMMON,
    lo - 1,
    ...(loIn ? [] : [lo]),
    ...(hi < Infinity ? [hi + 1, ...(hiIn ? [] : [hi])] : []),
  ],
});

/** Entries of a matrix or of rows of numbers, for answer checks. */
export function entries(v: unknown): number[][] {
  return rowsOf(v);
}

/** |a_i - b_i| <= tol (|b_i| + absolute max|b|) for every i. */
export function close(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  { tol = 1e-12, absolute = 1, what = "values" } = {},
): void {
  assert.equal(a.length, b.length, `${what}: length`);
  const scale = Math.max(...Array.from(b, Math.abs));
  for (let i = 0; i < b.length; i++) {
    const ok = Math.abs(a[i] - b[i]) <= tol * (Math.abs(b[i]) + absolute * scale);
    assert.ok(ok, `${what}[${i}] = ${a[i]}, expected ${b[i]} (relative tolerance ${tol})`);
  }
}
