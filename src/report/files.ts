/**
 * Where the lab writes, and how: every file goes through a temporary file and a rename, so an
 * interrupted run leaves either the old file or the new one, never half of one.
 */
import * as fs from "fs";
import * as path from "path";

/** The project root: the nearest folder at or above the working directory holding ntk-lab's package.json. */
export function projectRoot(start = process.cwd()): string {
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
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.floor(performance.now() * 1000)}`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}
