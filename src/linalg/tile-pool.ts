/**
 * Worker threads that run a compiled kernel's tile function (kernels/ntk-simd.ts) on a shared WebAssembly
 * memory: a job is a table of tiles in that memory, which the calling thread and the workers take one at
 * a time from a shared counter (dynamic balancing: on a 2-core machine the other core is often busy).
 * Each tile is computed by one thread with the same code, so the results do not depend on the number of
 * threads.
 *
 * A job reaches a worker as a message (the module, the memory and the job's addresses) that the worker
 * takes with receiveMessageOnPort when woken through Atomics.wait/notify on a shared control word; the
 * worker drops its instance when the job ends, so that a result's memory is freed with the result. Only
 * workers that have signalled that they are ready get a job, so a slow start cannot dead-lock the caller.
 *
 * One pool per process (held on globalThis, as gemm's engine): tslab evaluates src/ anew when a notebook's
 * import cell is rerun, and a new evaluation adopts the running pool when its worker code is the same, or
 * stops it (the workers end) and starts its own. Workers are unref'd: they never keep the process alive.
 */
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import { createHash } from "node:crypto";
import type { WasmMemory, WasmModule } from "./wasm-api";
import { configuredThreads } from "./gemm";
import { waitLoop } from "./pool";

// Control words per worker: the job generation, the generation done, ready, quit.
const GEN = 0;
const DONE = 1;
const READY = 2;
const QUIT = 3;
const WORDS = 4;

/** A job: run exports.tile(desc, r0, r1, c0, c1, symmetric, diagonal, flag) for every tile of the table. */
export interface TileJob {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly desc: number;
  /** Byte address of the table: four i32 per tile (r0, r1, c0, c1). */
  readonly tiles: number;
  readonly count: number;
  /** Byte address of the shared i32 counter (zero before the job). */
  readonly counter: number;
  /** Byte address of 16-byte flag slots, one per thread (slot 0 the caller's). */
  readonly flags: number;
  readonly symmetric: boolean;
  readonly diagonal: boolean;
}

const workerSource = `
const { workerData, receiveMessageOnPort } = require("node:worker_threads");
const { control, index, port } = workerData;
const ctl = new Int32Array(control, index * ${WORDS * 4}, ${WORDS});
${waitLoop(
  GEN,
  READY,
  QUIT,
  `  const message = receiveMessageOnPort(port);
  if (message) {
    const job = message.message;
    const tile = new WebAssembly.Instance(job.module, { env: { memory: job.memory } }).exports.tile;
    const words = new Int32Array(job.memory.buffer);
    const flag = job.flags + 16 * (index + 1);
    for (;;) {
      const t = Atomics.add(words, job.counter >> 2, 1);
      if (t >= job.count) break;
      const at = (job.tiles >> 2) + 4 * t;
      tile(job.desc, words[at], words[at + 1], words[at + 2], words[at + 3], job.symmetric ? 1 : 0, job.diagonal ? 1 : 0, flag);
    }
  }
  Atomics.store(ctl, ${DONE}, gen);
  Atomics.notify(ctl, ${DONE});`,
)}
`;

class TilePool {
  private readonly control = new SharedArrayBuffer(64 * WORDS * 4);
  private readonly workers: { worker: Worker; port: MessagePort; ctl: Int32Array }[] = [];
  private gen = 0;

  constructor(readonly size: number) {
    for (let index = 0; index < size; index++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(workerSource, {
        eval: true,
        workerData: { control: this.control, index, port: port2 },
        transferList: [port2],
      });
      worker.unref();
      port1.unref();
      this.workers.push({ worker, port: port1, ctl: new Int32Array(this.control, index * WORDS * 4, WORDS) });
    }
  }

  /** Workers that have started and wait for jobs. */
  ready(): { worker: Worker; port: MessagePort; ctl: Int32Array }[] {
    return this.workers.filter((w) => Atomics.load(w.ctl, READY) === 1);
  }

  /**
   * Runs the job on this thread and on up to `helpers` ready workers; returns when every tile is done, with
   * the number of threads that took part.
   */
  run(job: TileJob, helpers: number, tile: (...args: number[]) => void): number {
    const words = new Int32Array(job.memory.buffer);
    const taking = this.ready().slice(0, helpers);
    const gen = ++this.gen;
    for (const w of taking) {
      w.port.postMessage(job);
      Atomics.store(w.ctl, GEN, gen);
      Atomics.notify(w.ctl, GEN);
    }
    for (
      let t = Atomics.add(words, job.counter >> 2, 1);
      t < job.count;
      t = Atomics.add(words, job.counter >> 2, 1)
    ) {
      runTile(job, words, t, job.flags, tile);
    }
    for (const w of taking) {
      for (let done = Atomics.load(w.ctl, DONE); done !== gen; done = Atomics.load(w.ctl, DONE)) {
        Atomics.wait(w.ctl, DONE, done);
      }
    }
    return 1 + taking.length;
  }

  close(): void {
    for (const w of this.workers) {
      Atomics.store(w.ctl, QUIT, 1);
      Atomics.add(w.ctl, GEN, 1);
      Atomics.notify(w.ctl, GEN);
      void w.worker.terminate();
    }
  }
}

interface PoolState {
  readonly version: string;
  pool: TilePool | null;
}

const STATE_KEY = Symbol.for("ntk-lab.tile-pool");
const VERSION = createHash("sha1").update(workerSource).update(TilePool.toString()).digest("hex");

function poolState(): PoolState {
  const holder = globalThis as unknown as Record<symbol, PoolState | undefined>;
  const held = holder[STATE_KEY];
  if (held && held.version === VERSION) return held;
  held?.pool?.close();
  const fresh: PoolState = { version: VERSION, pool: null };
  holder[STATE_KEY] = fresh;
  return fresh;
}

/**
 * Runs a tile job on as many threads as gemm's setting (setGemmBackend's threads, NTK_THREADS): the
 * calling thread and threads - 1 workers, started on first use (until they are up, the caller runs every
 * tile). threads = 1 runs the job here alone.
 */
export function runTiles(job: TileJob, tile: (...args: number[]) => void): number {
  const helpers = configuredThreads() - 1;
  const pool = poolFor(helpers);
  if (pool === null) {
    const words = new Int32Array(job.memory.buffer);
    for (let t = 0; t < job.count; t++) runTile(job, words, t, job.flags, tile);
    lastThreads = 1;
  } else {
    lastThreads = pool.run(job, helpers, tile);
  }
  return lastThreads;
}

/** The pool with at least `helpers` workers (started now if needed), or null for none. */
function poolFor(helpers: number): TilePool | null {
  if (helpers <= 0) return null;
  const state = poolState();
  if (state.pool === null || state.pool.size < helpers) {
    state.pool?.close();
    state.pool = new TilePool(helpers);
  }
  return state.pool;
}

let lastThreads = 0;

/** How many threads took part in the last tile job (0 before the first). */
export function lastTileThreads(): number {
  return lastThreads;
}

/**
 * Resolves when the workers the thread setting asks for have started (at most timeoutMs), with the number
 * of threads the next job can use. Until then jobs run on the calling thread alone: waiting is only
 * needed to measure or to test the threads.
 */
export async function tilePoolReady(timeoutMs = 5000): Promise<number> {
  const helpers = configuredThreads() - 1;
  const pool = poolFor(helpers);
  const start = Date.now();
  while (pool && pool.ready().length < helpers && Date.now() - start < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return 1 + (pool ? Math.min(helpers, pool.ready().length) : 0);
}

/** Tile t of the job (the workers' loop does the same in workerSource). */
function runTile(
  job: TileJob,
  words: Int32Array,
  t: number,
  flag: number,
  tile: (...args: number[]) => void,
): void {
  const at = (job.tiles >> 2) + 4 * t;
  tile(
    job.desc,
    words[at],
    words[at + 1],
    words[at + 2],
    words[at + 3],
    job.symmetric ? 1 : 0,
    job.diagonal ? 1 : 0,
    flag,
  );
}

/** Flag slots a job needs: one per thread that may take part. */
export function tileThreads(): number {
  return Math.max(1, configuredThreads());
}
