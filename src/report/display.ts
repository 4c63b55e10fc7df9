/**
 * Rich output inside a running tslab kernel, and plain text everywhere else.
 *
 * The kernel is detected without loading tslab: tslab's jupyter module is already in Node's module cache
 * when a kernel (or scripts/run-notebooks.ts, which drives tslab's executor) runs us, and its
 * lastWriteDisplayData is set while a cell executes. Loading tslab ourselves would pull in zeromq for
 * nothing in a plain script or a test. tslab is pinned exactly in package.json because this relies on
 * its dist layout.
 */
import * as path from "path";

export interface Display {
  html(s: string): void;
  svg(s: string): void;
  text(s: string): void;
}

const JUPYTER_SUFFIX = path.join("tslab", "dist", "jupyter.js");

function loadedTslab(): { jupyter: string; module: { lastWriteDisplayData: unknown } } | null {
  const key = Object.keys(require.cache).find((k) => k.endsWith(JUPYTER_SUFFIX));
  const module = key ? require.cache[key]?.exports : undefined;
  return key && module ? { jupyter: key, module } : null;
}

/** True while running inside a tslab cell. */
export function inKernel(): boolean {
  const tslab = loadedTslab();
  return tslab !== null && tslab.module.lastWriteDisplayData != null;
}

function tslabPublic(): { display: Display; newDisplay(): Display } {
  const tslab = loadedTslab();
  if (!tslab) throw new Error("display: not running inside a tslab kernel");
  return require(path.join(path.dirname(tslab.jupyter), "public.js")) as {
    display: Display;
    newDisplay(): Display;
  };
}

/** The kernel's display, or null outside a kernel. */
export function kernelDisplay(): Display | null {
  return inKernel() ? tslabPublic().display : null;
}

/**
 * Shows a figure inside a tslab cell as one output in two forms: the SVG, which JupyterLab renders in a
 * trusted notebook, and a PNG `width` CSS pixels wide, which it renders in an untrusted one (a notebook
 * opened from a clone: Lab shows no SVG there, and picks the safe PNG of the same output instead). name:
 * the figure's file name in figures/ without extension. False outside a kernel.
 */
export function displayFigure(svg: string, png: Uint8Array, width: number, name: string): boolean {
  const tslab = loadedTslab();
  const write = tslab?.module.lastWriteDisplayData;
  if (typeof write !== "function") return false;
  (write as (data: unknown, update: boolean) => void)(
    {
      data: { "image/svg+xml": svg, "image/png": Buffer.from(png).toString("base64") },
      // "ntk-lab": which file of figures/ the output is, for the write-up's check that they agree.
      metadata: { "image/png": { width }, "ntk-lab": { figure: name } },
      transient: {},
    },
    false,
  );
  return true;
}

/** A display entry that later calls overwrite in place (JupyterLab updates it), or null outside a kernel. */
export function updatableDisplay(): Display | null {
  return inKernel() ? tslabPublic().newDisplay() : null;
}
