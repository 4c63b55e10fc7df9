/**
 * The tweak loop's cache: a notebook rerun in JupyterLab after a one-parameter change recomputes only the
 * results whose inputs changed. `lab.memo(name, inputs, compute)` returns compute()'s value, kept in the
 * kernel process (on globalThis, since tslab re-evaluates src/ when the import cell reruns) under a key made
 * of the notebook, the name, the inputs written out canonically, compute's own code, and a hash of every
 * file in src/ taken when the import cell ran: an edit to the library followed by a rerun of the import
 * cell recomputes everything, and so does an edit to the code inside compute. What compute reads from
 * earlier cells must be in the inputs (the data themselves where their code could change: typed arrays
 * are hashed by content).
 *
 * The cache only works inside an interactive kernel. `npm run notebooks` (NTK_LAB_RUNNER=1), scripts,
 * tests, NTK_LAB_CACHE=0 and startNotebook(..., { cache: false }) compute every value, so the committed
 * outputs never rest on a cached one. Values are stored and handed out as structured clones, so a cell
 * that modifies what it got cannot change what the next rerun gets.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { describeValue } from "../validate";
import { durationText } from "./format";

/** Entries and bytes the cache holds at most; the least recently used entry goes first. */
export const MEMO_LIMITS = Object.freeze({ entries: 64, bytes: 2 ** 30 });

interface Entry {
  value: unknown;
  bytes: number;
  seconds: number;
}

const STORE = Symbol.for("ntk-lab.memo-store");

/** The kernel process's cache (a Map keeps insertion order: re-inserting on use makes it an LRU). */
function store(): Map<string, Entry> {
  const state = globalThis as { [STORE]?: Map<string, Entry> };
  return (state[STORE] ??= new Map());
}

/** Empties the cache of this process. */
export function clearMemo(): void {
  store().clear();
}

/**
 * Drops every value computed with another src/ than `source` (a sourceVersion): after an edit to the
 * library they can never be asked for again, and they would hold memory until evicted. startNotebook calls
 * it when the import cell runs.
 */
export function retainSource(source: string): void {
  const cache = store();
  for (const key of [...cache.keys()]) if (!key.endsWith(`\0${source}`)) cache.delete(key);
}

/** Whether NTK_LAB_CACHE allows the cache: unset, "" or "1" yes, "0" no, anything else an Error. */
export function cacheAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.NTK_LAB_CACHE;
  if (value === undefined || value === "" || value === "1") return true;
  if (value === "0") return false;
  throw new Error(
    `cacheAllowed: the environment variable NTK_LAB_CACHE must be "1" (cache results in a kernel) or "0" (compute every value), got ${JSON.stringify(value)}`,
  );
}

/**
 * A canonical text of `inputs`: numbers (every float64 kept: -0, NaN and the infinities included), strings,
 * booleans, null, arrays, typed arrays (hashed by content) and plain objects (keys sorted), nested. Two
 * inputs give the same text exactly when they hold the same values. Anything else (functions, class
 * instances, undefined) is an Error naming `path`.
 */
export function canonicalInputs(inputs: unknown, where = "inputs"): string {
  if (inputs === null) return "null";
  switch (typeof inputs) {
    case "number":
      return Object.is(inputs, -0) ? "-0" : String(inputs);
    case "string":
      return JSON.stringify(inputs);
    case "boolean":
      return String(inputs);
  }
  if (Array.isArray(inputs)) {
    return `[${inputs.map((v, i) => canonicalInputs(v, `${where}[${i}]`)).join(",")}]`;
  }
  if (ArrayBuffer.isView(inputs) && !(inputs instanceof DataView)) {
    const bytes = new Uint8Array(inputs.buffer, inputs.byteOffset, inputs.byteLength);
    const digest = createHash("sha256").update(bytes).digest("hex");
    return `${inputs.constructor.name}(${(inputs as unknown as ArrayLike<number>).length}:${digest})`;
  }
  if (typeof inputs === "object" && Object.getPrototypeOf(inputs) === Object.prototype) {
    const record = inputs as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalInputs(record[k], `${where}.${k}`)}`).join(",")}}`;
  }
  throw new Error(
    `memo: ${where} must be made of numbers, strings, booleans, null, arrays, typed arrays and plain objects, got ${describeValue(inputs)}`,
  );
}

/**
 * Bytes a structured clone of `value` takes, roughly (typed arrays exactly: a view's clone copies its whole
 * buffer), for the cache's budget; shared and cyclic parts are counted once. Refuses, naming where it sits,
 * anything whose clone would not be what the cell had: functions, symbols and class instances (a clone of
 * an ml-matrix Matrix is a plain object without its methods, so a rerun would fail where the first run
 * worked). Allowed: primitives, plain objects, arrays, typed arrays, ArrayBuffers, Maps, Sets and Dates.
 */
export function cloneBytes(value: unknown, where = "value", seen = new Set<unknown>()): number {
  if (value === null || value === undefined) return 8;
  switch (typeof value) {
    case "string":
      return 2 * value.length;
    case "number":
    case "boolean":
    case "bigint":
      return 8;
    case "function":
    case "symbol":
      throw new Error(`memo: ${where} is a ${typeof value}, which a structured clone cannot keep`);
  }
  const object = value as object;
  if (ArrayBuffer.isView(object)) {
    if (seen.has(object.buffer)) return 0;
    seen.add(object.buffer);
    return object.buffer.byteLength;
  }
  if (seen.has(object)) return 0;
  seen.add(object);
  if (object instanceof ArrayBuffer) return object.byteLength;
  if (object instanceof Date) return 8;
  let sum = 0;
  if (object instanceof Map) {
    let i = 0;
    for (const [k, v] of object) {
      sum += cloneBytes(k, `${where} key ${i}`, seen) + cloneBytes(v, `${where}.get(${i})`, seen);
      i++;
    }
    return sum;
  }
  if (object instanceof Set) {
    let i = 0;
    for (const v of object) sum += cloneBytes(v, `${where} element ${i++}`, seen);
    return sum;
  }
  const prototype = Object.getPrototypeOf(object);
  if (!Array.isArray(object) && prototype !== Object.prototype && prototype !== null) {
    const name = (prototype as { constructor?: { name?: string } })?.constructor?.name ?? "an object";
    throw new Error(
      `memo: ${where} is an instance of ${name}, whose structured clone loses its class and methods: return plain data (numbers, arrays, typed arrays, plain objects, Maps)`,
    );
  }
  for (const [k, v] of Object.entries(object)) sum += 8 + cloneBytes(v, `${where}.${k}`, seen);
  return sum;
}

/**
 * A hash of every file under root/src (names and contents). startNotebook takes it when the import cell
 * runs, which is also when tslab evaluates src/ afresh: the code a cell runs is the code hashed.
 */
export function sourceVersion(root: string): string {
  const hash = createHash("sha256");
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (fs.statSync(file).isDirectory()) walk(file);
      else hash.update(`${path.relative(root, file)}\0`).update(fs.readFileSync(file));
    }
  };
  walk(path.join(root, "src"));
  return hash.digest("hex").slice(0, 16);
}

export interface MemoContext {
  /** The notebook's id, part of every key. */
  notebook: string;
  /** sourceVersion of the lab's src/ as the notebook's import cell loaded it, part of every key. */
  source: string;
  /** False: compute every value (npm run notebooks, NTK_LAB_CACHE=0, startNotebook's cache: false). */
  enabled: boolean;
  /** Where a reuse is reported (one line each). */
  say(line: string): void;
}

/**
 * compute()'s value for (name, inputs), from the cache when an earlier run in this kernel computed it with
 * the same inputs and the same src/; computed (and stored) otherwise. A reuse prints one line saying so.
 * name: what is computed, e.g. "circle spectra"; inputs: everything compute() depends on besides src/ (see
 * canonicalInputs); the value must be structured-cloneable (no functions or class instances).
 */
export function memo<T>(context: MemoContext, name: string, inputs: unknown, compute: () => T): T {
  if (typeof name !== "string" || name.trim() === "") {
    throw new Error(`memo: name must be a non-empty string, got ${describeValue(name)}`);
  }
  if (typeof compute !== "function") {
    throw new Error(`memo: compute must be a function returning the value, got ${describeValue(compute)}`);
  }
  const text = canonicalInputs(inputs);
  const key = `${context.notebook}\0${name}\0${text}\0${String(compute)}\0${context.source}`;
  const cache = store();
  const hit = context.enabled ? cache.get(key) : undefined;
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    context.say(`${name}: reused from this kernel's cache (computing it took ${durationText(hit.seconds)})`);
    return structuredClone(hit.value) as T;
  }
  const started = performance.now();
  const value = compute();
  const elapsed = (performance.now() - started) / 1000;
  // Checked also when the cache is off: a value the cache could not keep fails in npm run notebooks too,
  // not only on a rerun in JupyterLab.
  const bytes = cloneBytes(value, `the value of "${name}"`);
  if (!context.enabled) return value;
  let copy: unknown;
  try {
    copy = structuredClone(value);
  } catch (e) {
    throw new Error(
      `memo: the value of "${name}" must be structured-cloneable (numbers, strings, arrays, typed arrays, plain objects, Maps), got ${describeValue(value)}: ${(e as Error).message}`,
    );
  }
  if (bytes <= MEMO_LIMITS.bytes) {
    let total = bytes;
    for (const entry of cache.values()) total += entry.bytes;
    for (const [k, entry] of cache) {
      if (cache.size < MEMO_LIMITS.entries && total <= MEMO_LIMITS.bytes) break;
      cache.delete(k);
      total -= entry.bytes;
    }
    cache.set(key, { value: copy, bytes, seconds: elapsed });
  }
  return value;
}
