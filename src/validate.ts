/**
 * Argument checks shared by the whole lab. Each throws an Error that names the function, the parameter,
 * the value it got and what is allowed, so a bad parameter never turns into a silent NaN further down.
 */

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

/** Checks that every entry of a row-major array of points is finite, naming the first bad entry. */
export function checkAllFinite(who: string, name: string, rows: ArrayLike<ArrayLike<number>>): void {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    for (let j = 0; j < row.length; j++) {
      if (!Number.isFinite(row[j])) {
        throw new Error(`${who}: ${name}[${i}][${j}] must be finite, got ${row[j]}`);
      }
    }
  }
}
