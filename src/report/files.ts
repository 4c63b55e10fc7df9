/**
 * Where the lab writes, and how: every file goes through a temporary file and a rename, so an
 * interrupted run leaves either the old file or the new one, never half of one. A kill between the
 * two leaves the temporary file `<file>.tmp-<host>-<pid>-<stamp>`; it names the writing machine and
 * process, so the next run (the first atomic write into a folder in a process, and startNotebook for
 * figures/ and data/) removes those of this machine whose writer is gone, never those of a live process.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describeValue } from "../validate";

/** The project root: the nearest folder at or above the working directory holding ntk-lab's package.json. */
export function projectRoot(start = process.cwd()): string {
  checkPath("projectRoot", "start", start);
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      const name = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name;
      if (name === "ntk-lab") return dir;
    }
    if (path.dirname(dir) === dir) {
      throw new Error(
        `projectRoot: no ntk-lab package.json at or above ${start}; start the kernel inside the lab`,
      );
    }
  }
}

/** Writes data to file atomically (temporary file in the same folder, then rename), creating folders. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  checkPath("writeFileAtomic", "file", file);
  if (typeof data !== "string" && !(data instanceof Uint8Array)) {
    throw new Error(`writeFileAtomic: data must be a string or a Uint8Array, got ${describeValue(data)}`);
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  removeStaleTemporaries(path.dirname(file));
  const tmp = temporaryName(file, process.pid, Math.floor(performance.now() * 1000));
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}

function checkPath(who: string, name: string, value: unknown): void {
  if (typeof value !== "string" || value === "") {
    throw new Error(`${who}: ${name} must be a path (a non-empty string), got ${describeValue(value)}`);
  }
}

/**
 * This machine's name as temporary files carry it: letters, digits, dots, hyphens and underscores
 * only (anything else becomes _), at most 64 characters.
 */
const HOST =
  os
    .hostname()
    .replace(/[^A-Za-z0-9._-]/g, "_")
    .slice(0, 64) || "_";

/** The temporary file writeFileAtomic writes file through: `<file>.tmp-<host>-<pid>-<stamp>`. */
export function temporaryName(file: string, pid: number, stamp: number): string {
  return `${file}.tmp-${HOST}-${pid}-${stamp}`;
}

/**
 * A temporary file of writeFileAtomic, with the machine and process that wrote it; names of earlier
 * runs (`<file>.tmp-<pid>-<stamp>`) have no machine: they were written here.
 */
const TEMPORARY = /\.tmp-(?:(.+)-)?(\d+)-\d+$/;
/**
 * Temporary files younger than this (by modification time) stay: their writer may be a process that
 * kill(pid, 0) cannot see on this machine (another PID namespace sharing the folder, e.g. a container).
 */
const GRACE_MS = 60_000;
/** Folders already swept by this process (resolved paths). */
const swept = new Set<string>();

/**
 * Removes, once per folder and process, the temporary files of writeFileAtomic in dir that this
 * machine wrote, whose writing process no longer exists and which are older than GRACE_MS; returns
 * their names. Those of other machines (a folder shared over the network) stay, whatever their age:
 * their process cannot be checked from here. A process that exists but belongs to someone else (EPERM)
 * counts as alive, and so does a reused pid: such files stay.
 */
export function removeStaleTemporaries(dir: string): string[] {
  const resolved = path.resolve(dir);
  if (swept.has(resolved)) return [];
  swept.add(resolved);
  let names: string[];
  try {
    names = fs.readdirSync(resolved);
  } catch {
    return []; // no folder yet: nothing left behind
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMPORARY.exec(name);
    if (!match || (match[1] ?? HOST) !== HOST || processExists(Number(match[2]))) continue;
    const file = path.join(resolved, name);
    try {
      if (Date.now() - fs.statSync(file).mtimeMs < GRACE_MS) continue;
    } catch {
      continue; // gone meanwhile
    }
    fs.rmSync(file, { force: true });
    removed.push(name);
  }
  return removed;
}

function processExists(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}
