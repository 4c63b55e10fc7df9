/**
 * The finite convolutional network (src/training/conv-network.ts): its gradient against finite
 * differences, and its empirical NTK converging to the analytic CNTK at the rate width^-1/2.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { erf, relu } from "../src/activations";
import { conv, dense, flatten, globalAveragePool, serial } from "../src/layers";
import { convNetwork, empiricalCntk } from "../src/training/conv-network";
import { cntkWidthConvergence } from "../src/experiments/cntk-width-convergence";
import { Rng } from "../src/random";
import type { ConvImages } from "../src/kernels/cntk";

function randomImages(n: number, height: number, width: number, channels: number, seed: number): ConvImages {
  const rng = new Rng(seed);
  const pixels = new Float64Array(n * height * width * channels);
  for (let k = 0; k < pixels.length; k++) pixels[k] = rng.normal();
  return { n, height, width, channels, pixels };
}

describe("a finite convolutional network", () => {
  it("has the gradient of central finite differences, for every kind of layer", () => {
    const arch = serial(
      conv({ stride: 2, biasStd: 0.5 }),
      erf,
      conv({ weightStd: 1.3 }),
      relu,
      globalAveragePool(),
      dense({ biasStd: 0.2 }),
      erf,
      dense(),
    );
    for (const readoutArch of [
      arch,
      serial(conv(), erf, conv({ padding: "valid" }), erf, flatten(), dense()),
    ]) {
      const net = convNetwork(readoutArch, {
        height: 5,
        width: 4,
        channels: 2,
        channelsPerLayer: 3,
        seed: 1,
      });
      const image = randomImages(1, 5, 4, 2, 9).pixels;
      const grad = net.gradient(image);
      const step = 1e-6;
      let worst = 0;
      for (let k = 0; k < net.size; k++) {
        const keep = net.params[k];
        net.params[k] = keep + step;
        const up = net.forward(image);
        net.params[k] = keep - step;
        const down = net.forward(image);
        net.params[k] = keep;
        worst = Math.max(worst, Math.abs((up - down) / (2 * step) - grad[k]));
      }
      assert.ok(worst < 1e-7, `largest difference ${worst}`);
    }
  });

  // The mean error over 10 seeds at each of 5 widths: with 5 seeds the fitted slope moved by +-0.2 from
  // one set of seeds to the next; with 10, over four sets of seeds and both readouts, it stayed in
  // -0.64 .. -0.43 (standard errors 0.04-0.10).
  it("has an empirical NTK whose error against the CNTK falls as width^-0.5 (5 widths, 10 seeds), for both readouts", () => {
    const X = randomImages(3, 4, 4, 1, 4);
    for (const readout of [flatten(), globalAveragePool()]) {
      const arch = serial(conv(), relu, conv(), relu, readout, dense());
      const { fit, meanErrors } = cntkWidthConvergence(arch, X, {
        widths: [32, 64, 128, 256, 512],
        seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      });
      assert.ok(
        Math.abs(fit.slope + 0.5) <= 0.15,
        `${readout.kind}: slope ${fit.slope} (mean errors ${meanErrors.map((m) => m.mean.toPrecision(3)).join(", ")})`,
      );
    }
  });

  it("refuses bad options and images of another size", () => {
    const arch = serial(conv(), relu, flatten(), dense());
    assert.throws(
      () => convNetwork(arch, { height: 4, width: 4, channels: 1, channelsPerLayer: [3, 4], seed: 1 }),
      /convNetwork: channelsPerLayer must be a number or 1 numbers/,
    );
    assert.throws(
      () => convNetwork(arch, { height: 0, width: 4, channels: 1, channelsPerLayer: 3, seed: 1 }),
      /convNetwork: height must be an integer/,
    );
    const net = convNetwork(arch, { height: 4, width: 4, channels: 1, channelsPerLayer: 3, seed: 1 });
    assert.throws(
      () => net.forward(new Float64Array(15)),
      /ConvNetwork.forward: image must be a Float64Array of height \* width \* channels = 16 values/,
    );
    const nan = new Float64Array(16);
    nan[3] = NaN;
    assert.throws(() => net.gradient(nan), /ConvNetwork.gradient: image\[3\] must be finite, got NaN/);
    assert.throws(
      () =>
        convNetwork(arch, {
          height: 4,
          width: 4,
          channels: 1,
          channelsPerLayer: 3,
          seed: 1,
          widths: 3,
        } as never),
      /convNetwork: .*widths/,
    );
    assert.throws(
      () => empiricalCntk(net, randomImages(2, 5, 4, 1, 0)),
      /empiricalCntk: X must be images of the network's size 4 x 4 x 1/,
    );
  });
});
