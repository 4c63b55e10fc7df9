import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import {
  cacheAllowed,
  canonicalInputs,
  clearMemo,
  cloneBytes,
  memo,
  MEMO_LIMITS,
  retainSource,
  sourceVersion,
  type MemoContext,
} from "../src/report/memo";
import { Matrix } from "ml-matrix";
import { startNotebook } from "../src/report/notebook";

/** A context on the lab's own src/, recording what it says. */
function context(enabled = true, notebook = "99-memo-test"): MemoContext & { said: string[] } {
  const said: string[] = [];
  return { notebook, source: "v1", enabled, say: (line) => said.push(line), said };
}

/** A compute function counting its calls. */
function counted<T>(value: () => T): { compute: () => T; calls: () => number } {
  let calls = 0;
  return {
    compute: () => {
      calls++;
      return value();
    },
    calls: () => calls,
  };
}

test("canonicalInputs writes equal inputs alike, whatever the key order, and tells apart every float64", () => {
  assert.equal(
    canonicalInputs({ n: 200, kernels: ["a", "b"] }),
    canonicalInputs({ kernels: ["a", "b"], n: 200 }),
  );
  assert.notEqual(canonicalInputs(0), canonicalInputs(-0));
  assert.notEqual(canonicalInputs(0.1 + 0.2), canonicalInputs(0.3));
  assert.notEqual(canonicalInputs("1"), canonicalInputs(1));
  assert.equal(canonicalInputs([NaN, Infinity, null, true]), "[NaN,Infinity,null,true]");
  assert.equal(canonicalInputs(new Float64Array([1, 2])), canonicalInputs(new Float64Array([1, 2])));
  assert.notEqual(canonicalInputs(new Float64Array([1, 2])), canonicalInputs(new Float64Array([1, 3])));
  assert.notEqual(canonicalInputs(new Float64Array([1, 2])), canonicalInputs(new Float32Array([1, 2])));
  // a view hashes its own elements, not the whole buffer
  const buffer = new Float64Array([9, 1, 2, 9]);
  assert.equal(canonicalInputs(buffer.subarray(1, 3)), canonicalInputs(new Float64Array([1, 2])));
});

test("canonicalInputs refuses functions, undefined and class instances, naming where they sit", () => {
  assert.throws(
    () => canonicalInputs({ kernel: () => 1 }),
    /memo: inputs\.kernel must be made of numbers.*got a function/,
  );
  assert.throws(() => canonicalInputs([1, undefined]), /memo: inputs\[1\] must be made of/);
  assert.throws(() => canonicalInputs({ at: new Date(0) }), /memo: inputs\.at must be made of/);
});

test("memo computes once per name and inputs, and a rerun with the same inputs reuses the value and says so", () => {
  clearMemo();
  const c = context();
  const { compute, calls } = counted(() => ({ values: new Float64Array([3, 2, 1]) }));
  const first = memo(c, "spectra", { n: 200 }, compute);
  const second = memo(c, "spectra", { n: 200 }, compute);
  assert.equal(calls(), 1);
  assert.deepEqual(second, first);
  assert.equal(c.said.length, 1);
  assert.match(c.said[0], /^spectra: reused from this kernel's cache \(computing it took \d+\.\d s\)$/);
  memo(c, "spectra", { n: 400 }, compute);
  memo(c, "other", { n: 200 }, compute);
  memo(context(true, "98-other"), "spectra", { n: 200 }, compute);
  assert.equal(calls(), 4, "a new input, a new name and another notebook each compute");
});

test("an edit to the code inside compute recomputes, though name and inputs are the same", () => {
  clearMemo();
  const c = context();
  // Two cells' versions of the same computation: the second has a changed constant.
  const before = memo(c, "bias spectra", { n: 8 }, () => [0, 0.5].map((b) => b * 2));
  const again = memo(c, "bias spectra", { n: 8 }, () => [0, 0.5].map((b) => b * 2));
  const edited = memo(c, "bias spectra", { n: 8 }, () => [0, 0.25].map((b) => b * 2));
  assert.deepEqual(before, [0, 1]);
  assert.deepEqual(again, [0, 1]);
  assert.deepEqual(edited, [0, 0.5]);
  assert.equal(c.said.length, 1, "only the unchanged code reused");
});

test("a cell that modifies what memo returned does not change what the next rerun gets", () => {
  clearMemo();
  const c = context();
  const { compute, calls } = counted(() => [new Float64Array([1, 2])]);
  const first = memo(c, "values", {}, compute);
  first[0][0] = 99;
  const second = memo(c, "values", {}, compute);
  assert.deepEqual(second, [new Float64Array([1, 2])]);
  second[0][1] = 7;
  assert.deepEqual(memo(c, "values", {}, compute), [new Float64Array([1, 2])]);
  assert.equal(calls(), 1, "computed once, every later value a fresh copy of the stored one");
});

test("memo computes every time when disabled, and refuses values it cannot clone", () => {
  clearMemo();
  const c = context(false);
  const { compute, calls } = counted(() => 1);
  memo(c, "x", {}, compute);
  memo(c, "x", {}, compute);
  assert.equal(calls(), 2);
  assert.deepEqual(c.said, []);
  assert.throws(
    () => memo(context(), "f", {}, () => ({ f: () => 1 })),
    /memo: the value of "f"\.f is a function, which a structured clone cannot keep/,
  );
  // A class instance would come back from the cache as a plain object without its methods: refused, also
  // with the cache off (npm run notebooks), so it fails where the first run is made.
  for (const enabled of [true, false]) {
    assert.throws(
      () => memo(context(enabled), "kernel", {}, () => ({ K: [new Matrix([[1]])] })),
      /memo: the value of "kernel"\.K\.0 is an instance of Matrix, whose structured clone loses its class and methods/,
    );
  }
  // Shared and cyclic parts are counted once; a view counts its whole buffer.
  const shared = new Float64Array(100);
  const cyclic: Record<string, unknown> = { a: shared, b: shared.subarray(0, 10) };
  cyclic.self = cyclic;
  assert.equal(cloneBytes(cyclic), 800 + 8 * 3);
  assert.deepEqual(
    memo(context(), "cyclic", {}, () => new Set([1, 2])),
    new Set([1, 2]),
  );
  assert.throws(() => memo(context(), "", {}, () => 1), /memo: name must be a non-empty string, got ""/);
});

test("the cache keeps at most MEMO_LIMITS.entries values and drops the least recently used first", () => {
  clearMemo();
  const c = context();
  // One compute function (its code is part of the key) whose value says when it ran.
  let value = 0;
  const compute = () => value;
  for (let i = 0; i < MEMO_LIMITS.entries; i++) {
    value = i;
    memo(c, "entry", { i }, compute);
  }
  value = -1; // from here on, a computed value is -1 and a reused one its index
  assert.equal(memo(c, "entry", { i: 0 }, compute), 0, "used: now the most recent");
  memo(c, "entry", { i: MEMO_LIMITS.entries }, compute); // drops i = 1
  assert.equal(memo(c, "entry", { i: 0 }, compute), 0);
  assert.equal(memo(c, "entry", { i: 2 }, compute), 2);
  assert.equal(memo(c, "entry", { i: 1 }, compute), -1, "dropped: computed again");
  assert.equal(cloneBytes(new Float64Array(10)), 80);
  clearMemo();
});

test("an edit to src/ changes the source version in every key, so the next import cell's values are computed afresh", () => {
  clearMemo();
  const lab = fs.mkdtempSync(path.join(os.tmpdir(), "ntk-lab-memo-"));
  fs.mkdirSync(path.join(lab, "src", "report"), { recursive: true });
  fs.writeFileSync(path.join(lab, "src", "report", "a.ts"), "export const a = 1;\n");
  const before = sourceVersion(lab);
  assert.equal(sourceVersion(lab), before);
  fs.writeFileSync(path.join(lab, "src", "report", "a.ts"), "export const a = 2;\n");
  const after = sourceVersion(lab);
  assert.notEqual(after, before);
  fs.renameSync(path.join(lab, "src", "report", "a.ts"), path.join(lab, "src", "report", "b.ts"));
  assert.notEqual(sourceVersion(lab), after, "a renamed file is an edit too");
  const { compute, calls } = counted(() => 1);
  memo({ ...context(), source: before }, "x", {}, compute);
  memo({ ...context(), source: before }, "x", {}, compute);
  memo({ ...context(), source: after }, "x", {}, compute);
  assert.equal(calls(), 2);
  fs.rmSync(lab, { recursive: true });
  clearMemo();
});

test("NTK_LAB_CACHE turns the cache off with 0 and refuses other values; outside a kernel lab.memo always computes", () => {
  assert.equal(cacheAllowed({}), true);
  assert.equal(cacheAllowed({ NTK_LAB_CACHE: "1" }), true);
  assert.equal(cacheAllowed({ NTK_LAB_CACHE: "0" }), false);
  assert.throws(
    () => cacheAllowed({ NTK_LAB_CACHE: "off" }),
    /cacheAllowed: the environment variable NTK_LAB_CACHE must be "1" .* got "off"/,
  );
  const lab = startNotebook("99-memo-test", {});
  const { compute, calls } = counted(() => 1);
  lab.memo("x", {}, compute);
  lab.memo("x", {}, compute);
  assert.equal(calls(), 2);
  assert.throws(
    () => startNotebook("99-memo-test", {}, { cache: "no" as unknown as boolean }),
    /startNotebook: options\.cache must be true or false, got "no"/,
  );
});

test("values computed with an earlier src/ are dropped when the import cell runs with a new one", () => {
  clearMemo();
  const { compute, calls } = counted(() => new Float64Array(1000));
  const old = { ...context(), source: "old" };
  const current = { ...context(), source: "new" };
  memo(old, "spectra", { n: 1 }, compute);
  memo(current, "spectra", { n: 1 }, compute);
  retainSource("new");
  memo(current, "spectra", { n: 1 }, compute);
  assert.equal(calls(), 2, "the current source's value kept");
  memo(old, "spectra", { n: 1 }, compute);
  assert.equal(calls(), 3, "the earlier source's value gone");
  clearMemo();
});
