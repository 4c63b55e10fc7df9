/**
 * What a notebook shows when Kernel → Interrupt stops a cell. tslab runs a cell with vm's breakOnSigint:
 * the interrupt terminates the cell's script at once (no catch or finally of ours runs) and tslab prints
 * the Error Node made, whose stack runs through tslab's internals, under the loop's last progress line.
 * Node formats that stack through Error.prepareStackTrace when tslab prints it, the first moment any of our
 * code can run after the interrupt. reportInterrupts() installs a hook there that, for that Error only,
 * tells every running loop (progress.ts registers them) to show where it stopped and gives the one-line
 * stack "Interrupted"; every other Error is formatted as before.
 *
 * Loops behind an await would not stop (tslab only abandons the cell's promise), so the lab's loops are
 * synchronous: no notebook cell awaits (test/interrupt.test.ts checks it).
 */

/** The code of Node's Error for a script stopped by SIGINT under breakOnSigint. */
export const INTERRUPTED_CODE = "ERR_SCRIPT_EXECUTION_INTERRUPTED";

type PrepareStackTrace = (error: Error, sites: NodeJS.CallSite[]) => unknown;

interface State {
  /** Error.prepareStackTrace as it was before ours: the format for every other Error. */
  original: PrepareStackTrace | undefined;
  /** Ours, as last installed. */
  hook: PrepareStackTrace | undefined;
  /** The loops running now, oldest first; told once when an interrupt stops them. */
  running: Set<() => void>;
  /** True while the hook formats through another one (which may call an earlier hook of ours). */
  delegating: boolean;
}

/** Running loops kept at most within one cell (a cell may start many loops and leave some unfinished). */
const MAX_RUNNING = 16;
const STATE = Symbol.for("ntk-lab.interrupt-report");

// On globalThis: tslab evaluates src/ afresh each time the import cell reruns, and the hook installed by
// an earlier evaluation must see the loops of the current one.
function state(): State {
  const holder = globalThis as { [STATE]?: State };
  return (holder[STATE] ??= { original: undefined, hook: undefined, running: new Set(), delegating: false });
}

/** V8's own format: the Error's "name: message" line and one "    at" line per frame. */
function v8Stack(error: Error, sites: NodeJS.CallSite[]): string {
  let head: string;
  try {
    head = Error.prototype.toString.call(error);
  } catch {
    head = "Error";
  }
  return [head, ...sites.map((site) => `    at ${String(site)}`)].join("\n");
}

/**
 * Installs the hook (once per process: a second call replaces it and keeps the original, so rerunning the
 * import cell never chains hooks). Called by startNotebook inside a kernel.
 */
export function reportInterrupts(): void {
  const s = state();
  const hook: PrepareStackTrace = (error, sites) => {
    let code: unknown;
    try {
      code = (error as { code?: unknown } | null)?.code;
    } catch {
      code = undefined; // a throwing getter: not Node's interrupt
    }
    if (code === INTERRUPTED_CODE) {
      const stopped = [...s.running];
      s.running.clear();
      for (const tell of stopped) {
        try {
          tell();
        } catch {
          // A display that cannot be updated must not stop the others, nor the interrupt's own line.
        }
      }
      // util.inspect prints this and the Error's code on one line: [Interrupted] { code: '...' }.
      return "Interrupted";
    }
    // A hook installed after ours may call ours back (as its predecessor): format that call ourselves.
    if (!s.original || s.delegating) return v8Stack(error, sites);
    s.delegating = true;
    try {
      return s.original(error, sites);
    } finally {
      s.delegating = false;
    }
  };
  if (Error.prepareStackTrace !== s.hook) s.original = Error.prepareStackTrace;
  s.hook = hook;
  Error.prepareStackTrace = hook;
}

/**
 * Registers a running loop: onInterrupt() runs if an interrupt stops the cell before the returned
 * function (call it when the loop ends) unregisters it, or the cell ends.
 */
export function trackRunning(onInterrupt: () => void): () => void {
  const { running } = state();
  running.add(onInterrupt);
  // Cells run synchronously: once this turn of the event loop ends, the cell is over (finished, failed or
  // interrupted; the hook runs before that, in tslab's catch), and a loop left without done() is forgotten.
  setImmediate(() => running.delete(onInterrupt));
  for (const oldest of running) {
    if (running.size <= MAX_RUNNING) break;
    running.delete(oldest);
  }
  return () => running.delete(onInterrupt);
}
