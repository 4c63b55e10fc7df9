/**
 * npx tsx scripts/lab-check.ts [00 02 ...]
 * The JupyterLab loop as a new user meets it, in the real JupyterLab UI (headless Chromium through
 * puppeteer-core) on this checkout. For each case (notebook 00 in a fresh kernel; 02, 04, 05, 06 and 08
 * with a warm one): opens the notebook as a clone has it (a fresh Jupyter data folder, so it is untrusted) and
 * finds every stored figure drawn without trust or a rerun; sees no modified marker once the kernel has
 * started; for a warm case runs every cell once at the defaults; changes one parameter, runs every cell
 * (Run -> Run All Cells), prints the time from the click to the last output, and finds outputs naming the
 * new value (and, when warm, results reused from lab.memo's cache). Then interrupts notebook 05's training
 * loop and finds one line for the interrupt and the loop's progress saying where it stopped. At the end it
 * checks that no tracked file changed (the runs wrote to build/lab/, autosave is off). Screenshots before and after each tweak go to build/lab-check/. Needs
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

/** A notebook, the parameter edit made in it, and what the rerun's outputs must then say. */
interface Case {
  notebook: string;
  from: string;
  to: string;
  /** Text the rerun's outputs hold only with the new value (or code). */
  expect: RegExp;
  /** Run every cell once at the defaults first (the kernel warm, the cache filled), then tweak. */
  warm: boolean;
  /**
   * How many lab.memo results the rerun reuses: exactly these, so a result that depends on the edit and
   * was wrongly reused would show as one too many.
   */
  reused: number;
  /** The edit is to code, not to a parameter (the import cell then names no changed parameter). */
  code?: boolean;
  /** Which figure (0-based) the screenshots show. */
  figure: number;
}

const CASES: Case[] = [
  {
    notebook: "notebooks/00-quickstart.ipynb",
    from: "n: quick ? 120 : 200,",
    to: "n: quick ? 120 : 300,",
    expect: /300 (?:equally spaced )?(?:circle )?points|n = 300/,
    warm: false,
    reused: 0,
    figure: 0,
  },
  {
    notebook: "notebooks/02-spectral-decay.ipynb",
    from: "nSmall: 200,",
    to: "nSmall: 400,",
    expect: /grid 400 /,
    warm: true,
    // circle, segment and random-point spectra at nLarge, Mercer coefficients, sphere spectra
    reused: 5,
    figure: 2,
  },
  {
    notebook: "notebooks/04-deep-mixed-activations.ipynb",
    from: "lateTo: 300,",
    to: "lateTo: 250,",
    expect: /ranks 100\.\.250/,
    warm: true,
    reused: 2,
    figure: 0,
  },
  {
    notebook: "notebooks/05-training-multiscale.ipynb",
    from: "reluPowerSteps: quick ? 50 : 300,",
    to: "reluPowerSteps: quick ? 50 : 200,",
    expect: /after 200 steps/,
    warm: true,
    // training runs, width sweep, circle runs (not the ReLU^k runs)
    reused: 3,
    figure: 10,
  },
  {
    // A figure's caption edited, not a parameter: the runs are reused.
    notebook: "notebooks/06-wide-nets-are-kernel-machines.ipynb",
    from: "Dots: single seeds;",
    to: "Dots: one seed each;",
    expect: /Dots: one seed each;/,
    warm: true,
    reused: 1,
    code: true,
    figure: 0,
  },
  {
    notebook: "notebooks/08-images-ntk-regression.ipynb",
    from: "allTrain: quick ? 300 : 600,",
    to: "allTrain: quick ? 300 : 400,",
    expect: /from 500 and 400 training images/,
    warm: true,
    // the pair task's ReLU runs and the four other activations (not the ten-class task)
    reused: 5,
    figure: 0,
  },
];
/** Notebooks whose long loop is interrupted (Kernel → Interrupt Kernel) once its progress shows. */
const INTERRUPTS = ["notebooks/05-training-multiscale.ipynb"];
const shots = path.join(root, "build", "lab-check");
/** A cell's stderr output in JupyterLab's DOM. */
const STDERR = ".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']";

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
    `notebook().querySelectorAll(".jp-OutputArea-output img, .jp-RenderedSVG svg, .jp-RenderedImage img").length`,
  );
}

/** Browser-side code as an expression (this file is compiled without the DOM's types). */
function inPage<T>(page: Page, expression: string): Promise<T> {
  // notebook(): the notebook in view (a restored workspace may hold other tabs, hidden, in the same DOM).
  const helpers = `const notebook = () => document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook") || document; const kernelStatus = () => { const e = document.querySelector(".jp-Notebook-ExecutionIndicator"); return e ? e.getAttribute("data-status") : null; };`;
  return page.evaluate(`(() => { ${helpers} return (${expression}); })()`) as Promise<T>;
}

/** The execution count of every code cell's prompt, null for "[*]" (queued or running) and "[ ]". */
function promptCounts(page: Page): Promise<(number | null)[]> {
  return inPage(
    page,
    `[...notebook().querySelectorAll(".jp-CodeCell .jp-InputPrompt")].map((p) => {
      const m = /\\[(\\d+)\\]/.exec(p.textContent || "");
      return m ? Number(m[1]) : null;
    })`,
  );
}

/** Opens the menu bar's `menu` and clicks its entry labelled exactly `label`. */
async function menuEntry(page: Page, menu: string, label: string): Promise<void> {
  const bar = await until(`JupyterLab's ${menu} menu`, 10, async () => {
    for (const item of await page.$$(".lm-MenuBar-item")) {
      const text = await item.evaluate((e) => (e as unknown as { textContent: string | null }).textContent);
      if ((text ?? "").trim() === menu) return item;
    }
    return null;
  });
  await bar.click();
  const entry = await until(`the ${label} menu entry`, 10, async () => {
    for (const item of await page.$$(".lm-Menu-item")) {
      const text = await item.$eval(
        ".lm-Menu-itemLabel",
        (e) => (e as unknown as { textContent: string | null }).textContent,
      );
      if ((text ?? "").trim() === label) return item;
    }
    return null;
  });
  await entry.click();
}

/**
 * Clicks Run → Run All Cells and waits until every cell ran: Lab
 * first marks every queued cell "[*]", then each gets a count. A fresh kernel counts from 1 again, as the
 * stored outputs do, so the counts alone cannot tell a finished run from none: `executed` is how many cells
 * this page's kernel ran before, and every count must end above it.
 */
async function runAll(page: Page, what: string, seconds: number, executed: number): Promise<number> {
  const started = Date.now();
  await menuEntry(page, "Run", "Run All Cells");
  await until(`${what} to start (a cell marked [*])`, 20, async () =>
    (await promptCounts(page)).some((c) => c === null),
  );
  let last = "";
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const counts = await promptCounts(page);
    const status = await inPage<string | null>(page, `kernelStatus()`);
    if (status === "idle" && counts.length > 0 && counts.every((c) => c !== null && c > executed)) break;
    last = `kernel ${status}, prompts ${JSON.stringify(counts)} (cells run before: ${executed})`;
    if (Date.now() > end) {
      await page.screenshot({ path: path.join(shots, "timed-out.png") });
      fail(
        `timed out after ${seconds} s waiting for ${what}: ${last}; screenshot build/lab-check/timed-out.png`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return (Date.now() - started) / 1000;
}

/** Replaces `from` by `to` in the cell that holds it (CodeMirror 6's view hangs on its content element). */
function edit(page: Page, from: string, to: string): Promise<boolean> {
  return inPage<boolean>(
    page,
    `(() => {
      for (const content of notebook().querySelectorAll(".jp-CodeCell .cm-content")) {
        const view = content.cmView && content.cmView.view;
        const text = view ? view.state.doc.toString() : "";
        const at = text.indexOf(${JSON.stringify(from)});
        if (view && at >= 0) {
          view.dispatch({ changes: { from: at, to: at + ${from.length}, insert: ${JSON.stringify(to)} } });
          return true;
        }
      }
      return false;
    })()`,
  );
}

/** Brings into view the element `selector` matches (the index-th), twice: Lab lays out off-screen cells
 * lazily, so the first scroll lands near it and the second on it. */
async function scrollTo(page: Page, selector: string, index = 0): Promise<void> {
  for (let i = 0; i < 2; i++) {
    await inPage(
      page,
      `(() => { const e = notebook().querySelectorAll(${JSON.stringify(selector)})[${index}]; if (e) e.scrollIntoView({ block: "center" }); return true; })()`,
    );
    await new Promise((r) => setTimeout(r, 600));
  }
}

async function screenshot(page: Page, figure: number, file: string): Promise<void> {
  await scrollTo(page, ".jp-RenderedImage, .jp-RenderedSVG", figure);
  await page.screenshot({ path: path.join(shots, file) });
}

/** One notebook: opened untrusted, figures and no modified marker; optionally warmed; tweaked and rerun. */
async function check(page: Page, base: string, c: Case): Promise<void> {
  const stem = path.basename(c.notebook, ".ipynb");
  const stored = JSON.parse(fs.readFileSync(path.join(root, c.notebook), "utf8")) as {
    cells: { outputs?: { data?: Record<string, unknown> }[] }[];
  };
  const storedFigures = stored.cells
    .flatMap((cell) => cell.outputs ?? [])
    .filter((o) => o.data && "image/svg+xml" in o.data).length;
  // ?reset: a clean workspace, without the tabs an earlier case left open.
  await page.goto(`${base}/lab/tree/${c.notebook}?reset`, { waitUntil: "load" });
  await until(`${stem}'s stored figures`, 90, async () => (await figureCount(page)) >= storedFigures);
  // The kernel starts and reports its language_info; Lab would rewrite differing metadata (and mark the tab).
  await until("the kernel", 90, () => inPage<boolean>(page, `kernelStatus() === "idle"`));
  await new Promise((r) => setTimeout(r, 3000));
  const shown = await figureCount(page);
  const untrusted = await inPage<number>(page, `notebook().querySelectorAll(".jp-RenderedImage img").length`);
  const dirty = await inPage<number>(page, `document.querySelectorAll(".lm-TabBar-tab.jp-mod-dirty").length`);
  console.log(
    `lab-check: opened ${c.notebook} untrusted: ${shown} of ${storedFigures} stored figures drawn (${untrusted} as PNG), modified marker: ${dirty ? "yes" : "no"}`,
  );
  if (shown < storedFigures) fail(`only ${shown} of ${storedFigures} stored figures are drawn`);
  if (dirty) fail(`${c.notebook} is marked modified right after opening`);
  let executed = 0;
  const cells = (await promptCounts(page)).length;
  if (c.warm) {
    const seconds = await runAll(page, `${stem}'s run at the defaults`, 300, executed);
    executed += cells;
    // A notebook whose committed run took over 30 s says so in its import cell (run-record.ts).
    const notice = /Run All took [^;]*/.exec(await inPage<string>(page, `notebook().textContent`));
    console.log(
      `lab-check: ${stem}: Run All at the defaults in ${seconds.toFixed(1)} s (a fresh kernel)${notice ? `; the notebook said: "${notice[0]}"` : ""}`,
    );
  }
  await screenshot(page, c.figure, `${stem}-before.png`);
  if (!(await edit(page, c.from, c.to))) fail(`no cell of ${c.notebook} holds "${c.from}"`);
  const rerunStarted = Date.now();
  const seconds = await runAll(page, `${stem}'s rerun`, 300, executed);
  await screenshot(page, c.figure, `${stem}-after.png`);
  const text = await inPage<string>(page, `notebook().textContent`);
  const errors = await inPage<number>(page, `notebook().querySelectorAll(${JSON.stringify(STDERR)}).length`);
  const reused = (text.match(/reused from this kernel's cache/g) ?? []).length;
  // The import cell names the parameters that differ from the committed run (run-record.ts).
  const changed = /Parameters changed from the committed run \(([^)]*)\)/.exec(text);
  if (!c.code && !changed) fail(`${stem}'s import cell did not name the changed parameter`);
  if (changed) console.log(`lab-check: ${stem}: the import cell said: parameters changed (${changed[1]})`);
  console.log(
    `lab-check: ${stem}: "${c.from}" -> "${c.to}", Run All in ${seconds.toFixed(1)} s (${reused} results reused from the cache, stderr outputs: ${errors})`,
  );
  if (!c.expect.test(text)) fail(`no output of ${stem} shows the new value (${c.expect})`);
  if (reused !== c.reused)
    fail(`${stem}'s rerun reused ${reused} results from the cache, expected ${c.reused}`);
  if ((await figureCount(page)) < storedFigures) fail("the rerun drew fewer figures than the stored run");
  // The rerun's figures went to build/lab/figures/ (files written by this rerun, not left by an earlier one).
  const lab = path.join(root, "build", "lab", "figures");
  const written = fs.existsSync(lab)
    ? fs
        .readdirSync(lab)
        .filter(
          (f) =>
            f.startsWith(stem.slice(0, 3)) && fs.statSync(path.join(lab, f)).mtimeMs >= rerunStarted - 1000,
        )
    : [];
  if (written.length === 0) fail(`the interactive rerun of ${stem} wrote no figures to build/lab/figures/`);
}

/**
 * Runs every cell of `notebook`, interrupts the kernel while a progress line shows a loop under way, and
 * checks what the user then sees: the kernel idle again, one line for the interrupt (no stack through
 * tslab) and the progress line saying where the loop stopped.
 */
async function checkInterrupt(page: Page, base: string, notebook: string): Promise<void> {
  const stem = path.basename(notebook, ".ipynb");
  await page.goto(`${base}/lab/tree/${notebook}?reset`, { waitUntil: "load" });
  await until("the kernel", 90, () => inPage<boolean>(page, `kernelStatus() === "idle"`));
  await menuEntry(page, "Run", "Run All Cells");
  const running = /\d+% \(\d+\/\d+\), about/;
  await until(`${stem}'s progress line`, 120, async () =>
    running.test(await inPage<string>(page, `notebook().textContent`)),
  );
  const clicked = Date.now();
  await menuEntry(page, "Kernel", "Interrupt Kernel");
  await until("the kernel idle after the interrupt", 20, () =>
    inPage<boolean>(page, `kernelStatus() === "idle"`),
  );
  const seconds = (Date.now() - clicked) / 1000;
  await new Promise((r) => setTimeout(r, 1000));
  const errors = await inPage<string[]>(
    page,
    `[...notebook().querySelectorAll(${JSON.stringify(STDERR)})].map((e) => e.textContent.trim())`,
  );
  const text = await inPage<string>(page, `notebook().textContent`);
  const stopped = /[\w ]+: interrupted at \d+\/\d+ after [\d.]+ s/.exec(text);
  await scrollTo(page, STDERR);
  await page.screenshot({ path: path.join(shots, `${stem}-interrupted.png`) });
  console.log(
    `lab-check: ${stem}: interrupted, kernel idle ${seconds.toFixed(1)} s after the click; error output ${JSON.stringify(errors)}; progress "${stopped?.[0] ?? "(none)"}"`,
  );
  if (errors.length !== 1 || errors[0].split("\n").length !== 1) {
    fail(`the interrupt should leave one one-line error output, found ${JSON.stringify(errors)}`);
  }
  if (!stopped) fail("no progress line says where the interrupted loop stopped");
  if (running.test(text)) fail("a progress line still shows the interrupted loop as running");
}

/** Shuts every kernel of the server down (through its REST API): each case starts in a fresh kernel. */
async function shutDownKernels(base: string, token: string): Promise<void> {
  const auth = { headers: { Authorization: `token ${token}` } };
  const sessions = (await (await fetch(`${base}/api/sessions`, auth)).json()) as { id: string }[];
  for (const { id } of sessions) {
    await fetch(`${base}/api/sessions/${id}`, { ...auth, method: "DELETE" });
  }
}

async function main(): Promise<void> {
  const before = gitStatus();
  const only = process.argv.slice(2);
  const chosen = (notebook: string): boolean =>
    only.length === 0 || only.some((o) => path.basename(notebook).startsWith(o));
  const cases = CASES.filter((c) => chosen(c.notebook));
  const interrupts = INTERRUPTS.filter(chosen);
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
    fs.mkdirSync(shots, { recursive: true });
    const base = `http://127.0.0.1:${port}`;
    const login = await browser.newPage();
    await login.goto(`${base}/lab?token=${token}`, { waitUntil: "load" });
    await login.close();
    for (const c of cases) {
      const page = await browser.newPage();
      await check(page, base, c);
      await page.close();
      await shutDownKernels(base, token);
    }
    for (const notebook of interrupts) {
      const page = await browser.newPage();
      await checkInterrupt(page, base, notebook);
      await page.close();
      await shutDownKernels(base, token);
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
