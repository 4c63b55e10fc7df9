import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { cos, erf, relu, sin, type Activation } from "../src/activations";
import { mlp } from "../src/layers";
import { nngp, ntk } from "../src/kernels/ntk";

// Reference values from test/fixtures/deep-kernels.py (mpmath, 50 to 190 digits; see its docstring).
interface Case {
  name: string;
  points: number;
  scale: string;
  activations: [string, number] | string[];
  weightStd: number;
  biasStd: number;
  nngp: string[];
  ntk: string[];
}
const fixtures = join(__dirname, "fixtures");
const { cases } = JSON.parse(readFileSync(join(fixtures, "deep-kernels.json"), "utf8")) as { cases: Case[] };
const { points } = JSON.parse(readFileSync(join(fixtures, "deep-kernels-points.json"), "utf8")) as {
  points: number[][];
};
const byName: Record<string, Activation> = { sin, cos, erf, relu };

for (const c of cases) {
  const names =
    typeof c.activations[1] === "number"
      ? Array<string>(c.activations[1]).fill(c.activations[0] as string)
      : (c.activations as string[]);
  const arch = mlp(
    names.map((n) => byName[n]),
    { weightStd: c.weightStd, biasStd: c.biasStd },
  );
  const X = points.slice(0, c.points).map((p) => p.map((v) => v * Number(c.scale)));
  for (const kind of ["nngp", "ntk"] as const) {
    test(`${kind} of ${c.name} matches the high-precision recursion: the diagonal to 1e-13, every entry to 1e-10 relative`, () => {
      const K = (kind === "ntk" ? ntk : nngp)(arch, X);
      let k = 0;
      for (let i = 0; i < c.points; i++) {
        for (let j = i; j < c.points; j++) {
          const expected = Number(c[kind][k++]);
          const got = K.get(i, j);
          const tolerance = (i === j ? 1e-13 : 1e-10) * Math.abs(expected);
          assert.ok(Math.abs(got - expected) <= tolerance, `[${i}][${j}]: ${got} vs ${expected}`);
        }
      }
    });
  }
}
