/**
 * npx tsx scripts/lab-check.ts
 * The JupyterLab loop as a new user meets it, in the real JupyterLab UI (headless Chromium through
 * puppeteer-core) on this checkout: opens notebook 00 as a clone has it (a fresh Jupyter data folder, so
 * the notebook is untrusted) and finds every stored figure drawn without trust or a rerun; sees no
 * modified marker once the kernel has started; changes the parameter n, runs every cell, and finds the
 * new figures (their captions name the new n); and checks that no tracked file changed (the run wrote to
 * build/lab/, autosave is off). Screenshots before and after go to build/lab-check/. Needs
 * scripts/jupyter-setup.sh's JupyterLab in .venv and Chromium (Debian: apt-get install chromium); without
 * Chromium it says so and exits 0, as the write-up's PDF does.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import puppeteer, { type Page } from "puppeteer-core";

const root = path.resolve(__dirname, "..");
const NOTEBOOK = "notebooks/00-quickstart.ipynb";
const FROM = "n: quick ? 120 : 200,";
const TO = "n: quick ? 120 : 300,";
const shots = path.join(root, "build", "lab-check");

function fail(message: string): never {
  console.error(`lab-check: ${message}`);
  process.exit(1);
}

const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find((p) =>
  fs.existsSync(p),
);
if (!chromium) {
  console.log("lab-check: skipped, no Chromium on this machine (Debian: apt-get install chromium)");
  process.exit(0);
}
const jupyter = path.join(root, ".venv", "bin", "jupyter");
if (!fs.existsSync(jupyter)) fail("no JupyterLab in .venv: run bash scripts/jupyter-setup.sh first");

function gitStatus(): string {
  return spawnSync("git", ["status", "--porcelain"], { cwd: root, encoding: "utf8" }).stdout;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

async function until<T>(what: string, seconds: number, probe: () => Promise<T | null | false>): Promise<T> {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) fail(`timed out after ${seconds} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Figures drawn in the notebook's outputs: PNG images (untrusted) or SVG charts (trusted or live). */
function figureCount(page: Page): Promise<number> {
  return inPage(
    page,
    `document.querySelectorAll(".jp-OutputArea-output img, .jp-RenderedSVG svg, .jp-RenderedImage img").length`,
  );
}

/** Whether every code cell has run (no "[*]" or "[ ]" prompt left) and the kernel is idle. */
function settled(page: Page): Promise<boolean> {
  return inPage(
    page,
    `(() => {
      const prompts = [...document.querySelectorAll(".jp-CodeCell .jp-InputPrompt")].map((p) => p.textContent || "");
      return prompts.length > 0 && prompts.every((p) => /\\[\\d+\\]/.test(p)) && kernelStatus() !== "busy";
    })()`,
  );
}

/** Browser-side code as an expression (this file is compiled without the DOM's types). */
function inPage<T>(page: Page, expression: string): Promise<T> {
  const helpers = `const kernelStatus = () => { const e = document.querySelector(".jp-Notebook-ExecutionIndicator"); return e ? e.getAttribute("data-status") : null; };`;
  return page.evaluate(`(() => { ${helpers} return (${expression}); })()`) as Promise<T>;
}

async function main(): Promise<void> {
  const before = gitStatus();
  const stored = JSON.parse(fs.readFileSync(path.join(root, NOTEBOOK), "utf8")) as {
    cells: { outputs?: { data?: Record<string, unknown> }[] }[];
  };
  const storedFigures = stored.cells
    .flatMap((c) => c.outputs ?? [])
    .filter((o) => o.data && "image/svg+xml" in o.data).length;
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "lab-check-"));
  const port = await freePort();
  const token = "lab-check";
  const server: ChildProcess = spawn(
    jupyter,
    [
      "lab",
      "--no-browser",
      `--port=${port}`,
      `--ServerApp.token=${token}`,
      `--ServerApp.root_dir=${root}`,
      "--allow-root",
    ],
    {
      cwd: root,
      // A fresh data folder: no notebook signatures (untrusted, as in a clone), no stored workspace.
      env: { ...process.env, JUPYTER_DATA_DIR: data, JUPYTERLAB_WORKSPACES_DIR: data, NTK_LAB_QUICK: "" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let serverLog = "";
  server.stderr?.on("data", (chunk: Buffer) => (serverLog += chunk.toString()));
  const browser = await puppeteer.launch({
    executablePath: chromium,
    args: ["--no-sandbox", "--disable-gpu"],
    defaultViewport: { width: 1400, height: 1000 },
  });
  try {
    await until("the Jupyter server", 60, async () => /is running at|http:\/\/127\.0\.0\.1/.test(serverLog));
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/lab/tree/${NOTEBOOK}?token=${token}`, { waitUntil: "load" });
    await until("the notebook's stored figures", 90, async () => (await figureCount(page)) >= storedFigures);
    // The kernel starts and reports its language_info; Lab would rewrite differing metadata (and mark the tab).
    await until("the kernel", 90, () => inPage<boolean>(page, `kernelStatus() === "idle"`));
    await new Promise((r) => setTimeout(r, 3000));
    fs.mkdirSync(shots, { recursive: true });
    await inPage(page, `document.querySelector(".jp-RenderedImage").scrollIntoView()`);
    await page.screenshot({ path: path.join(shots, "00-before.png") });
    const shown = await figureCount(page);
    const untrusted = await inPage<number>(page, `document.querySelectorAll(".jp-RenderedImage img").length`);
    const dirty = await inPage<number>(
      page,
      `document.querySelectorAll(".lm-TabBar-tab.jp-mod-dirty").length`,
    );
    console.log(
      `lab-check: opened ${NOTEBOOK} untrusted: ${shown} of ${storedFigures} stored figures drawn (${untrusted} as PNG), modified marker: ${dirty ? "yes" : "no"}`,
    );
    if (shown < storedFigures) fail(`only ${shown} of ${storedFigures} stored figures are drawn`);
    if (dirty) fail("the notebook is marked modified right after opening");
    // Change n in the parameter cell (CodeMirror 6's view hangs on its content element), then run all cells.
    const changed = await inPage<boolean>(
      page,
      `(() => {
        for (const content of document.querySelectorAll(".jp-CodeCell .cm-content")) {
          const view = content.cmView && content.cmView.view;
          const text = view ? view.state.doc.toString() : "";
          const at = text.indexOf(${JSON.stringify(FROM)});
          if (view && at >= 0) {
            view.dispatch({ changes: { from: at, to: at + ${FROM.length}, insert: ${JSON.stringify(TO)} } });
            return true;
          }
        }
        return false;
      })()`,
    );
    if (!changed) fail(`no cell of ${NOTEBOOK} holds "${FROM}"`);
    const started = Date.now();
    const menus = await page.$$(".lm-MenuBar-item");
    let opened = false;
    for (const item of menus) {
      if (
        (
          await item.evaluate((e) => (e as unknown as { textContent: string | null }).textContent ?? "")
        ).trim() === "Run"
      ) {
        await item.click();
        opened = true;
        break;
      }
    }
    if (!opened) fail("no Run menu in JupyterLab's menu bar");
    const entry = await until("the Run All Cells menu entry", 10, async () => {
      const items = await page.$$(".lm-Menu-item");
      for (const item of items) {
        if (
          (
            await item.evaluate((e) => (e as unknown as { textContent: string | null }).textContent ?? "")
          ).includes("Run All Cells")
        )
          return item;
      }
      return null;
    });
    await entry.click();
    await new Promise((r) => setTimeout(r, 500));
    await until("the rerun", 180, () => settled(page));
    const seconds = (Date.now() - started) / 1000;
    await page.screenshot({ path: path.join(shots, "00-after.png"), fullPage: false });
    const text = await inPage<string>(page, `document.querySelector(".jp-Notebook").textContent`);
    const errors = await inPage<number>(
      page,
      `document.querySelectorAll(".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']").length`,
    );
    console.log(
      `lab-check: reran every cell with n = 300 in ${seconds.toFixed(1)} s (stderr outputs: ${errors})`,
    );
    if (!/300 (?:equally spaced )?(?:circle )?points|n = 300/.test(text))
      fail("no output names the new n = 300");
    if ((await figureCount(page)) < storedFigures) fail("the rerun drew fewer figures than the stored run");
    const lab = path.join(root, "build", "lab", "figures");
    if (!fs.existsSync(lab) || !fs.readdirSync(lab).some((f) => f.startsWith("00-"))) {
      fail("the interactive run wrote no figures to build/lab/figures/");
    }
  } finally {
    await browser.close();
    server.kill("SIGTERM");
    fs.rmSync(data, { recursive: true, force: true });
  }
  const after = gitStatus();
  if (after !== before) fail(`the run changed tracked files:\n${after}`);
  console.log("lab-check: no tracked file changed; screenshots in build/lab-check/");
}

main().catch((error: unknown) =>
  fail(error instanceof Error ? (error.stack ?? error.message) : String(error)),
);
