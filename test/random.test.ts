import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Rng, rngFrom } from "../src/random";

describe("Rng", () => {
  it("gives the same stream for the same seed on every machine (pinned values)", () => {
    const r = new Rng(42);
    assert.deepEqual([r.nextUint32(), r.nextUint32(), r.nextUint32()], [2837322924, 544945897, 479756282]);
    const u = new Rng(42);
    assert.equal(u.uniform(), 0.6606157208001621);
    assert.equal(u.uniform(), 0.1117019639532224);
    const n = new Rng(7);
    const z = [n.normal(), n.normal(), n.normal()];
    const pinned = [-0.6925843705222114, 0.23026798570072035, -1.2870249601100738];
    z.forEach((v, i) => assert.ok(Math.abs(v - pinned[i]) <= 1e-15, `normal ${i}: ${v}`));
  });

  it("gives different streams for different seeds, including seeds above 2^32", () => {
    assert.notEqual(new Rng(1).uniform(), new Rng(2).uniform());
    assert.notEqual(new Rng(5).uniform(), new Rng(5 + 2 ** 32).uniform());
  });

  it("draws uniforms in [0, 1) with mean 1/2 and variance 1/12", () => {
    const r = new Rng(3);
    let sum = 0;
    let sq = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      assert.ok(u >= 0 && u < 1);
      sum += u;
      sq += u * u;
    }
    const mean = sum / n;
    assert.ok(Math.abs(mean - 0.5) < 5 * Math.sqrt(1 / 12 / n));
    assert.ok(Math.abs(sq / n - mean * mean - 1 / 12) < 2e-3);
  });

  it("draws standard normals with mean 0, variance 1 and kurtosis 3", () => {
    const z = new Rng(11).normals(200_000);
    const n = z.length;
    const mean = z.reduce((a, b) => a + b, 0) / n;
    const m2 = z.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    const m4 = z.reduce((a, b) => a + (b - mean) ** 4, 0) / n;
    assert.ok(Math.abs(mean) < 5 / Math.sqrt(n), `mean ${mean}`);
    assert.ok(Math.abs(m2 - 1) < 0.02, `variance ${m2}`);
    assert.ok(Math.abs(m4 / (m2 * m2) - 3) < 0.1, `kurtosis ${m4 / (m2 * m2)}`);
  });

  it("rejects a seed that is not a non-negative integer, naming it", () => {
    assert.throws(() => new Rng(-1), /seed must be an integer in \[0, 2\^53\], got -1/);
    assert.throws(() => new Rng(1.5), /got 1.5/);
    assert.throws(() => new Rng(NaN), /got NaN/);
  });

  it("rngFrom uses the generator given, else a new one from the seed, else throws", () => {
    const g = new Rng(9);
    assert.equal(rngFrom({ rng: g }, "f"), g);
    assert.equal(rngFrom({ seed: 9 }, "f").uniform(), new Rng(9).uniform());
    assert.throws(() => rngFrom({}, "spherePoints"), /spherePoints: pass a seed/);
  });
});
