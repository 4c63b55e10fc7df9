/**
 * Argument checks shared by the whole lab. Each throws an Error that names the function, the parameter,
 * the value it got and what is allowed, so a bad parameter never turns into a silent NaN further down.
 */
import { Matrix } from "ml-matrix";

export function checkInteger(who: string, name: string, value: number, min: number, max = Infinity): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw new Error(`${who}: ${name} must be ${range}, got ${value}`);
  }
}

export function checkFinite(who: string, name: string, value: number): void {
  if (!Number.isFinite(value)) throw new Error(`${who}: ${name} must be a finite number, got ${value}`);
}

export function checkPositive(who: string, name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new Error(`${who}: ${name} must be a finite number > 0, got ${value}`);
  }
}

export function checkNonNegative(who: string, name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new Error(`${who}: ${name} must be a finite number >= 0, got ${describeValue(value)}`);
  }
}

/** Checks lo < value <= hi (or lo <= value when loInclusive). */
export function checkInRange(
  who: string,
  name: string,
  value: number,
  lo: number,
  hi: number,
  { loInclusive = false, hiInclusive = true } = {},
): void {
  const okLo = loInclusive ? value >= lo : value > lo;
  const okHi = hiInclusive ? value <= hi : value < hi;
  if (!(Number.isFinite(value) && okLo && okHi)) {
    const interval = `${loInclusive ? "[" : "("}${lo}, ${hi}${hiInclusive ? "]" : ")"}`;
    throw new Error(`${who}: ${name} must lie in ${interval}, got ${value}`);
  }
}

/**
 * A value as an Error message shows it, the one describer of the lab: numbers as they print, strings
 * quoted, a matrix by its shape, arrays by their length, others by kind.
 */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  if (value instanceof Matrix) return `a ${value.rows} x ${value.columns} Matrix`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) {
    return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<unknown>).length}`;
  }
  if (value !== null && typeof value === "object") return "an object";
  return String(value);
}

/**
 * A list of finite numbers (an array or typed array; not rows, not strings) as a Float64Array copy, or the
 * typed array itself when it already is one. With length, exactly that many values (lengthRule says where
 * the length comes from); with min, at least that many.
 */
export function checkNumberList(
  who: string,
  name: string,
  values: unknown,
  { length, lengthRule = "", min = 0 }: { length?: number; lengthRule?: string; min?: number } = {},
): Float64Array {
  const list = values as ArrayLike<unknown>;
  if (
    list === null ||
    typeof list !== "object" ||
    typeof list.length !== "number" ||
    !(Array.isArray(list) || ArrayBuffer.isView(list))
  ) {
    throw new Error(`${who}: ${name} must be a list of numbers, got ${describeValue(values)}`);
  }
  if (length !== undefined && list.length !== length) {
    throw new Error(`${who}: ${name} must have ${length} values${lengthRule}, got ${list.length}`);
  }
  if (list.length < min) {
    const what = min === 1 ? "a non-empty list of numbers" : `a list of at least ${min} numbers`;
    throw new Error(
      `${who}: ${name} must be ${what}, got ${list.length === 0 ? "an empty one" : list.length}`,
    );
  }
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v !== "number") {
      throw new Error(`${who}: ${name}[${i}] must be a number, got ${describeValue(v)}`);
    }
    if (!Number.isFinite(v)) throw new Error(`${who}: ${name}[${i}] must be finite, got ${v}`);
  }
  return list instanceof Float64Array ? list : Float64Array.from(list as ArrayLike<number>);
}

/** An optional options argument: undefined or null give {}, anything else must be an object. */
export function optionsObject<T extends object>(who: string, options: T | null | undefined): Partial<T> {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object") {
    throw new Error(`${who}: options must be an object, got ${describeValue(options)}`);
  }
  return options;
}

/**
 * A required object argument (options that have no default, an activation's spec): anything but an
 * object is an Error that names it and lists what it holds, e.g. "options must be an object { alpha, sigma }".
 */
export function requiredObject<T extends object>(who: string, name: string, value: T, fields: string): T {
  if (value === null || typeof value !== "object") {
    throw new Error(`${who}: ${name} must be an object ${fields}, got ${describeValue(value)}`);
  }
  return value;
}

/** A flag: true or false, returned; anything else is an Error naming `who` and the parameter `name`. */
export function checkBoolean(who: string, name: string, value: unknown): boolean {
  if (typeof value !== "boolean") {
    throw new Error(`${who}: ${name} must be true or false, got ${describeValue(value)}`);
  }
  return value;
}

/** A function argument (a callback, an activation's fn): anything else is an Error naming it. */
export function checkFunction(who: string, name: string, value: unknown, what: string): void {
  if (typeof value !== "function") {
    throw new Error(`${who}: ${name} must be ${what}, got ${describeValue(value)}`);
  }
}

/**
 * Refuses an option the function does not know (a misspelt `sigm` or `weightstd` would otherwise leave its
 * default in place without a word), naming the key and the allowed ones.
 */
export function checkOptionKeys(who: string, options: object, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new Error(`${who}: options has no ${JSON.stringify(key)}; allowed are ${allowed.join(", ")}`);
    }
  }
}

/**
 * Refuses a list that holds a value twice, naming the first repeat: "<name> must be distinct<why>, got
 * <name>[i] = <value> again" (why, e.g. " (one point of the fit each)", says what each entry is for).
 */
export function checkDistinct(who: string, name: string, list: readonly unknown[], why = ""): void {
  const i = list.findIndex((v, k) => list.indexOf(v) !== k);
  if (i >= 0) {
    throw new Error(
      `${who}: ${name} must be distinct${why}, got ${name}[${i}] = ${describeValue(list[i])} again`,
    );
  }
}

/** f(), with an Error of the function `inner` reported as one of `who`, the function the user called. */
export function renamed<T>(who: string, inner: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(`${inner}: `)) {
      throw new Error(`${who}: ${e.message.slice(inner.length + 2)}`);
    }
    throw e;
  }
}

/**
 * Starts a display of a loop of `total` steps named `label`, ticked after every update and done() at the
 * end. The lab's progress printer (report/progress.ts, `lab.progress` in a notebook) is one; the trainers
 * and kernels only call it, so it does not depend on how progress is shown.
 */
export type ProgressStart = (total: number, label: string) => { tick(count?: number): void; done(): void };

/** A progress option checked: false, or a ProgressStart (an Error naming `who` and progress otherwise). */
export function checkProgress(who: string, progress: unknown): ProgressStart | false {
  if (progress !== false && typeof progress !== "function") {
    throw new Error(
      `${who}: progress must be false or a function (total, label) => { tick, done } such as lab.progress, ` +
        `got ${describeValue(progress)}`,
    );
  }
  return progress as ProgressStart | false;
}

/**
 * A list of seeds: at least one, each an integer in [0, 2^53], no two alike (why: what each seed stands for,
 * for the message, e.g. " (one split each)").
 */
export function checkSeeds(who: string, seeds: unknown, why = ""): number[] {
  const list = Array.from(checkNumberList(who, "seeds", seeds as readonly number[], { min: 1 }));
  list.forEach((s, i) => checkInteger(who, `seeds[${i}]`, s, 0, 2 ** 53));
  checkDistinct(who, "seeds", list, why);
  return list;
}
