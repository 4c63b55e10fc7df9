/**
 * Worker threads for gemm's micro-kernel: each worker instantiates the same WebAssembly module on the
 * same shared memory and waits on a shared Int32Array; a job is a call kernel(pa, pb, pc, kc, ldc,
 * mTiles, jt0, jt1) over column tiles that the main thread and the workers take in chunks from a shared
 * counter (dynamic balancing: on a 2-core machine the other core is often busy with something else).
 * Every C tile is computed by exactly one thread with the same summation order, so results do not depend
 * on the number of threads.
 *
 * Synchronization is Atomics.wait/notify (blocking on the main thread is allowed in Node). The main
 * thread only hands work to a worker that has signalled it is ready, and never waits on one that has
 * not, so a slow worker start-up cannot dead-lock it.
 */
import { Worker } from "node:worker_threads";
import type { WasmMemory, WasmModule } from "./wasm-api";

// Control words.
const GEN = 0;
const DONE = 1;
const ARGS = 2; // pa, pb, pc, kc, ldc, mTiles, nTiles, chunk, load, tri, rowTile0: words 2..12
const NEXT = 13;
const QUIT = 14;
const READY = 15;
/** Which kernel the job runs: 0 the doubles' ("kernel"), 1 the floats' ("kernel32"). */
const KIND = 16;
// B panels a job packs before multiplying them (see PanelPacking): words 17..21, panels 0 for none.
const PACK = 17;
const WORDS = 22;
/** Columns of a B panel by kernel kind (doubles 4, floats 8): every panel row is 32 bytes. */
const PANEL_COLUMNS = [4, 8];
/** Jobs run alone after workers were found preempted (about 20 training steps of a 500-wide MLP). */
const SOLO_JOBS = 64;
/** How long the calling thread watches for the workers' last chunks before it sleeps (ms). */
const SPIN_MS = 0.2;
/** How long a worker watches for the next job before it sleeps (ms). */
const WORKER_SPIN_MS = 0.5;

/**
 * A worker's loop around `body` (code run once per job, with the job's generation in gen), for a worker
 * whose control words are the Int32Array ctl: it signals READY, sleeps on GEN until it changes, and ends
 * when QUIT is set. GEN is read before READY is set: the main thread hands out a job only after READY, so
 * a job can never slip in between and be taken for the generation already seen (the worker would then
 * sleep through it).
 */
export function waitLoop(gen: number, ready: number, quit: number, body: string): string {
  return `let seen = Atomics.load(ctl, ${gen});
Atomics.store(ctl, ${ready}, 1);
for (;;) {
  Atomics.wait(ctl, ${gen}, seen);
  const gen = Atomics.load(ctl, ${gen});
  if (gen === seen) continue;
  seen = gen;
  if (Atomics.load(ctl, ${quit})) break;
${body}
}`;
}

const workerSource = `
const { workerData } = require("node:worker_threads");
const { memory, module, control, index } = workerData;
const ctl = new Int32Array(control, index * ${WORDS * 4}, ${WORDS});
const exported = new WebAssembly.Instance(module, { env: { memory } }).exports;
const kernels = [exported.kernel, exported.kernel32];
const packs = [exported.pack, exported.pack32b];
const columns = [${PANEL_COLUMNS.join(", ")}];
${waitLoop(
  GEN,
  READY,
  QUIT,
  `  const pa = ctl[2], pb = ctl[3], pc = ctl[4], kc = ctl[5], ldc = ctl[6], mTiles = ctl[7], nTiles = ctl[8], chunk = ctl[9], load = ctl[10], tri = ctl[11], row0 = ctl[12];
  const kind = ctl[${KIND}];
  const kernel = kernels[kind];
  const pack = packs[kind];
  const src = ctl[${PACK}], step = ctl[${PACK + 1}], stride = ctl[${PACK + 2}], kLen = ctl[${PACK + 3}], panels = ctl[${PACK + 4}];
  const next = new Int32Array(control, 0, ${WORDS});
  for (;;) {
    const j = Atomics.add(next, ${NEXT}, chunk);
    if (j >= nTiles) break;
    const end = Math.min(nTiles, j + chunk);
    if (j < panels) pack(src + j * columns[kind] * step, pb + j * kc * 32, Math.min(end, panels) - j, kLen, step, stride);
    kernel(pa, pb, pc, kc, ldc, mTiles, j, end, load, tri, row0);
  }
  Atomics.store(ctl, ${DONE}, gen);
  Atomics.notify(ctl, ${DONE});
  // The next job often follows within a fraction of a millisecond (the next k block, the next product of
  // a training step): watching for it starts it at once, where a wake-up from Atomics.wait took about 0.1 ms.
  const until = performance.now() + ${WORKER_SPIN_MS};
  while (Atomics.load(ctl, ${GEN}) === seen && performance.now() < until);`,
)}
`;

export type Kernel = (
  pa: number,
  pb: number,
  pc: number,
  kc: number,
  ldc: number,
  mTiles: number,
  jt0: number,
  jt1: number,
  load: number,
  tri: number,
  rowTile0: number,
) => void;

/**
 * B panels a job packs as it goes: each thread packs the panels of the column tiles it takes, just before
 * multiplying them (the packing runs on every thread instead of before the job on the calling one). Panel
 * p < panels of the job's B (at pb, kc rows of 32 bytes each) is packed by the module's B packer from the
 * copy at src (byte strides step between columns and stride between rows, kLen rows); panels at and past
 * `panels` (a ragged last one) were packed before.
 */
export interface PanelPacking {
  readonly src: number;
  readonly step: number;
  readonly stride: number;
  readonly kLen: number;
  readonly panels: number;
}

export type PackFn = (
  src: number,
  dst: number,
  panels: number,
  kLen: number,
  step: number,
  stride: number,
) => void;

export class KernelPool {
  /**
   * What a pool started by another evaluation of this file must share for gemm.ts to adopt it: the
   * worker's code and this class's (tslab may evaluate src/ again in the same process, see gemm.ts).
   */
  static readonly protocol: string = workerSource + KernelPool.toString();

  private readonly control: SharedArrayBuffer;
  /** Block 0 holds the shared tile counter; block i >= 1 is worker i - 1's mailbox. */
  private readonly blocks: Int32Array[];
  private readonly workers: Worker[] = [];
  private gen = 0;
  /** Jobs left to run on the calling thread alone, and recent jobs that waited long for workers. */
  private solo = 0;
  private strikes = 0;
  /** How many of the workers take part (see activate()). */
  private active: number;
  /** Set by close(): the workers are gone, active stays 0, and every job runs on the calling thread. */
  private closed = false;
  readonly size: number;

  constructor(
    memory: WasmMemory,
    module: WasmModule,
    /** The calling thread's instances of the kernels, by kind (0: doubles, 1: floats). */
    private readonly kernels: readonly Kernel[],
    /** And of the B packers, by kind. */
    private readonly packs: readonly PackFn[],
    workers: number,
  ) {
    this.size = workers;
    this.active = workers;
    this.control = new SharedArrayBuffer((workers + 1) * WORDS * 4);
    this.blocks = Array.from(
      { length: workers + 1 },
      (_, i) => new Int32Array(this.control, i * WORDS * 4, WORDS),
    );
    for (let w = 0; w < workers; w++) {
      const worker = new Worker(workerSource, {
        eval: true,
        workerData: { memory, module, control: this.control, index: w + 1 },
      });
      worker.unref();
      worker.on("error", () => {
        // A failed worker never signals ready: its mailbox stays unused.
      });
      this.workers.push(worker);
    }
  }

  /**
   * Lets `workers` of the pool's workers (at most its size) take part from the next job on, without
   * restarting them (setGemmBackend({ threads })). A closed pool refuses: its workers have ended (their
   * ready flags stay set), so it keeps running on the calling thread. Returns how many take part.
   */
  activate(workers: number): number {
    if (!this.closed) this.active = Math.min(workers, this.size);
    return this.active;
  }

  /** Workers that have started and can take jobs now. */
  readyWorkers(): number {
    let n = 0;
    for (let w = 1; w < this.blocks.length; w++) if (Atomics.load(this.blocks[w], READY) === 1) n++;
    return Math.min(n, this.active);
  }

  /** Runs kernel `kind` over column tiles [0, nTiles) on this thread and every ready worker. */
  run(
    kind: number,
    pa: number,
    pb: number,
    pc: number,
    kc: number,
    ldc: number,
    mTiles: number,
    nTiles: number,
    load: number,
    tri: number,
    rowTile0: number,
    packing: PanelPacking | null = null,
  ): void {
    const counter = this.blocks[0];
    // Small chunks (about 32 per thread): a thread preempted by other work on the machine holds up the
    // others for one chunk at most.
    const chunk = Math.max(1, Math.ceil(nTiles / (32 * this.blocks.length)));
    const ready: Int32Array[] = [];
    for (let w = 1; w < this.blocks.length && ready.length < this.active; w++) {
      if (Atomics.load(this.blocks[w], READY) === 1) ready.push(this.blocks[w]);
    }
    const kernel = this.kernels[kind];
    const pack = this.packs[kind];
    const panels = packing?.panels ?? 0;
    const packFrom = (j: number, end: number): void => {
      if (packing && j < panels) {
        const { src, step, stride, kLen } = packing;
        pack(
          src + j * PANEL_COLUMNS[kind] * step,
          pb + j * kc * 32,
          Math.min(end, panels) - j,
          kLen,
          step,
          stride,
        );
      }
    };
    if (ready.length === 0 || nTiles < 2 || this.solo > 0) {
      if (this.solo > 0) this.solo--;
      packFrom(0, nTiles);
      kernel(pa, pb, pc, kc, ldc, mTiles, 0, nTiles, load, tri, rowTile0);
      return;
    }
    Atomics.store(counter, NEXT, 0);
    const gen = ++this.gen;
    for (const ctl of ready) {
      ctl[ARGS] = pa;
      ctl[ARGS + 1] = pb;
      ctl[ARGS + 2] = pc;
      ctl[ARGS + 3] = kc;
      ctl[ARGS + 4] = ldc;
      ctl[ARGS + 5] = mTiles;
      ctl[ARGS + 6] = nTiles;
      ctl[ARGS + 7] = chunk;
      ctl[ARGS + 8] = load;
      ctl[ARGS + 9] = tri;
      ctl[ARGS + 10] = rowTile0;
      ctl[KIND] = kind;
      ctl[PACK] = packing?.src ?? 0;
      ctl[PACK + 1] = packing?.step ?? 0;
      ctl[PACK + 2] = packing?.stride ?? 0;
      ctl[PACK + 3] = packing?.kLen ?? 0;
      ctl[PACK + 4] = panels;
      Atomics.store(ctl, GEN, gen);
      Atomics.notify(ctl, GEN);
    }
    const t0 = performance.now();
    for (;;) {
      const j = Atomics.add(counter, NEXT, chunk);
      if (j >= nTiles) break;
      const end = Math.min(nTiles, j + chunk);
      packFrom(j, end);
      kernel(pa, pb, pc, kc, ldc, mTiles, j, end, load, tri, rowTile0);
    }
    const t1 = performance.now();
    const started = Date.now();
    for (const ctl of ready) {
      // The worker's last chunk ends within microseconds of ours: watching for it is faster than sleeping,
      // whose wake-up took 0.1-0.15 ms per job here (0.8 ms of a 200-point training step's 8.5).
      const spinUntil = performance.now() + SPIN_MS;
      while (Atomics.load(ctl, DONE) !== gen && performance.now() < spinUntil);
      for (;;) {
        const done = Atomics.load(ctl, DONE);
        if (done === gen) break;
        Atomics.wait(ctl, DONE, done, 1000);
        if (Date.now() - started > 60_000) {
          throw new Error(
            "gemm: a worker thread stopped answering; call setGemmBackend({ threads: 1 }) to work without workers",
          );
        }
      }
    }
    // Waiting long for the workers' last chunks means other work on the machine preempts them; then
    // one thread alone is faster (measured: 2 threads 25-40 steps/s against 31-43 alone under such load,
    // 62 against 48 when the second core is free). Three such jobs in a row: go alone, then try again.
    const waited = performance.now() - t1;
    if (waited > 0.5 * (t1 - t0)) {
      if (++this.strikes >= 3) {
        this.solo = SOLO_JOBS;
        this.strikes = 0;
      }
    } else {
      this.strikes = 0;
    }
  }

  /**
   * Stops the workers, which then end and release their instances of the memory (they are unref'd, so a
   * process may also just exit). The pool stays usable, on the calling thread alone, for good.
   */
  close(): void {
    this.closed = true;
    this.active = 0;
    for (let w = 1; w < this.blocks.length; w++) {
      Atomics.store(this.blocks[w], QUIT, 1);
      Atomics.store(this.blocks[w], GEN, ++this.gen);
      Atomics.notify(this.blocks[w], GEN);
    }
    for (const worker of this.workers) void worker.terminate();
  }
}
