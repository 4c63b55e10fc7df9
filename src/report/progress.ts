/**
 * Progress of a long loop: percent done and an estimate of the time left. Inside a tslab kernel it is one
 * output updated in place, which an interrupt (Kernel → Interrupt) turns into "<label>: interrupted at
 * 3/19 after 4.2 s" (interrupt.ts); elsewhere it prints a single line when the loop ends (and in-place
 * updates on a terminal).
 */
import { updatableDisplay } from "./display";
import { durationText } from "./format";
import { trackRunning } from "./interrupt";
import { describeValue } from "../validate";

export interface Progress {
  /** Marks `count` more steps as done. */
  tick(count?: number): void;
  /** Marks the loop finished and prints the total time. */
  done(): void;
}

export function progress(total: number, label: string): Progress {
  if (!Number.isInteger(total) || total < 1) {
    throw new Error(`progress: total must be an integer >= 1, got ${total}`);
  }
  if (typeof label !== "string")
    throw new Error(`progress: label must be a string, got ${describeValue(label)}`);
  const start = performance.now();
  const display = updatableDisplay();
  const tty = !display && process.stderr.isTTY;
  let done = 0;
  let lastShown = -Infinity;
  const untrack = display
    ? trackRunning(() =>
        display.text(
          `${label}: interrupted at ${done}/${total} after ${durationText((performance.now() - start) / 1000)}`,
        ),
      )
    : () => undefined;
  const show = (final: boolean): void => {
    const elapsed = (performance.now() - start) / 1000;
    const line = final
      ? `${label}: ${total}/${total} done in ${durationText(elapsed)}`
      : done === 0
        ? `${label}: starting (${total} steps)`
        : `${label}: ${Math.floor((100 * done) / total)}% (${done}/${total}), about ${durationText(
            (elapsed * (total - done)) / done,
          )} left`;
    if (display) display.text(line);
    else if (tty) process.stderr.write(`\r${line}${final ? "\n" : ""}`);
    else if (final) process.stdout.write(line + "\n");
  };
  return {
    tick(count = 1) {
      done = Math.min(total, done + count);
      // Updating the notebook more than a few times a second only slows the loop.
      const now = performance.now();
      if (now - lastShown > 250) {
        lastShown = now;
        show(false);
      }
    },
    done() {
      done = total;
      untrack();
      show(true);
    },
  };
}
