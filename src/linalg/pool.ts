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
const WORDS = 17;
/** Jobs run alone after workers were found preempted (about 20 training steps of a 500-wide MLP). */
const SOLO_JOBS = 64;
/** How long the calling thread watches for the workers' last chunks before it sleeps (ms). */
const SPIN_MS = 0.2;

const workerSource = `
const { workerData } = require("node:worker_threads");
const { memory, module, control, index } = workerData;
const ctl = new Int32Array(control, index * ${WORDS * 4}, ${WORDS});
const exported = new WebAssembly.Instance(module, { env: { memory } }).exports;
const kernels = [exported.kernel, exported.kernel32];
// GEN is read before READY is set: the main thread hands out a job only after READY, so a job can never
// slip in between and be taken for the generation already seen (the worker would then sleep through it).
let seen = Atomics.load(ctl, ${GEN});
Atomics.store(ctl, ${READY}, 1);
for (;;) {
  Atomics.wait(ctl, ${GEN}, seen);
  const gen = Atomics.load(ctl, ${GEN});
  if (gen === seen) continue;
  seen = gen;
  if (Atomics.load(ctl, ${QUIT})) break;
  const pa = ctl[2], pb = ctl[3], pc = ctl[4], kc = ctl[5], ldc = ctl[6], mTiles = ctl[7], nTiles = ctl[8], chunk = ctl[9], load = ctl[10], tri = ctl[11], row0 = ctl[12];
  const kernel = kernels[ctl[${KIND}]];
  const next = new Int32Array(control, 0, ${WORDS});
  for (;;) {
    const j = Atomics.add(next, ${NEXT}, chunk);
    if (j >= nTiles) break;
    kernel(pa, pb, pc, kc, ldc, mTiles, j, Math.min(nTiles, j + chunk), load, tri, row0);
  }
  Atomics.store(ctl, ${DONE}, gen);
  Atomics.notify(ctl, ${DONE});
}
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
    if (ready.length === 0 || nTiles < 2 || this.solo > 0) {
      if (this.solo > 0) this.solo--;
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
      Atomics.store(ctl, GEN, gen);
      Atomics.notify(ctl, GEN);
    }
    const t0 = performance.now();
    for (;;) {
      const j = Atomics.add(counter, NEXT, chunk);
      if (j >= nTiles) break;
      kernel(pa, pb, pc, kc, ldc, mTiles, j, Math.min(nTiles, j + chunk), load, tri, rowTile0);
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
