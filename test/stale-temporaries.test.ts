import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { startNotebook, writeFileAtomic } from "../src";

/**
 * A child process that creates `<file>.tmp-<its pid>-1`, as writeFileAtomic names its temporary file,
 * and then waits; resolves once the file exists.
 */
async function writer(file: string): Promise<{ child: ChildProcess; temporary: string }> {
  const code = `require("fs").writeFileSync(process.argv[1] + ".tmp-" + process.pid + "-1", "half");
    console.log("written"); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["-e", code, file], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`the writer exited with ${code}`)));
  });
  return { child, temporary: `${path.basename(file)}.tmp-${child.pid}-1` };
}

async function killed(child: ChildProcess): Promise<void> {
  const exit = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exit;
}

describe("temporary files of a writer killed between write and rename", () => {
  test("are removed by the next atomic write into their folder; those of live processes stay", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ntk-lab-"));
    const dead = await writer(path.join(dir, "a.csv"));
    await killed(dead.child);
    const live = await writer(path.join(dir, "b.csv"));
    try {
      const own = `c.csv.tmp-${process.pid}-5`;
      fs.writeFileSync(path.join(dir, own), "mine");
      fs.writeFileSync(path.join(dir, "notes.tmp-draft"), "not ours");
      assert.ok(fs.existsSync(path.join(dir, dead.temporary)));
      writeFileAtomic(path.join(dir, "d.csv"), "new");
      assert.deepEqual(fs.readdirSync(dir).sort(), ["d.csv", live.temporary, own, "notes.tmp-draft"].sort());
    } finally {
      await killed(live.child);
      fs.rmSync(dir, { recursive: true });
    }
  });

  test("are removed from figures/ and data/ when a notebook starts", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ntk-lab-"));
    fs.mkdirSync(path.join(dir, "figures"));
    fs.mkdirSync(path.join(dir, "data"));
    const figure = await writer(path.join(dir, "figures", "05-dots.svg"));
    await killed(figure.child);
    const table = await writer(path.join(dir, "data", "05-rows.csv"));
    await killed(table.child);
    const saved = process.env.NTK_LAB_OUTPUT;
    process.env.NTK_LAB_OUTPUT = dir;
    try {
      startNotebook("05-test", {});
      assert.deepEqual(fs.readdirSync(path.join(dir, "figures")), []);
      assert.deepEqual(fs.readdirSync(path.join(dir, "data")), []);
    } finally {
      if (saved === undefined) delete process.env.NTK_LAB_OUTPUT;
      else process.env.NTK_LAB_OUTPUT = saved;
      fs.rmSync(dir, { recursive: true });
    }
  });
});
