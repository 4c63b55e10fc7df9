import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { startNotebook, writeFileAtomic } from "../src";
import { temporaryName } from "../src/report/files";

/**
 * A child process that creates its temporary file for `file` as writeFileAtomic names it (this machine,
 * its pid, stamp 1) and then waits; resolves once the file exists.
 */
async function writer(file: string): Promise<{ child: ChildProcess; temporary: string }> {
  const code = `process.stdin.once("data", (name) => { require("fs").writeFileSync(String(name), "half");
    console.log("written"); }); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["pipe", "pipe", "inherit"] });
  const temporary = temporaryName(file, child.pid!, 1);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`the writer exited with ${code}`)));
    child.stdin!.end(temporary);
  });
  return { child, temporary: path.basename(temporary) };
}

/** Sets a file's modification time to `seconds` ago. */
function age(file: string, seconds: number): void {
  const then = new Date(Date.now() - seconds * 1000);
  fs.utimesSync(file, then, then);
}

async function killed(child: ChildProcess): Promise<void> {
  const exit = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exit;
}

describe("temporary files of a writer killed between write and rename", () => {
  test("are removed by the next atomic write into their folder once a minute old; those of live processes stay", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ntk-lab-"));
    const dead = await writer(path.join(dir, "a.csv"));
    await killed(dead.child);
    const pid = dead.child.pid!;
    const live = await writer(path.join(dir, "b.csv"));
    try {
      const own = `c.csv.tmp-${process.pid}-5`;
      fs.writeFileSync(path.join(dir, own), "mine");
      fs.writeFileSync(path.join(dir, "notes.tmp-draft"), "not ours");
      // An earlier run's name without the machine: written here, by the dead writer.
      const earlier = `e.csv.tmp-${pid}-7`;
      fs.writeFileSync(path.join(dir, earlier), "half");
      // Another machine's (a shared folder): its pid means nothing here, whatever its age.
      const foreign = `f.csv.tmp-other-host.example-${pid}-1`;
      fs.writeFileSync(path.join(dir, foreign), "theirs");
      for (const name of [dead.temporary, live.temporary, own, earlier, foreign])
        age(path.join(dir, name), 120);
      // The dead writer's pid, this machine, but written a moment ago: within the grace period.
      const fresh = path.basename(temporaryName(path.join(dir, "g.csv"), pid, 2));
      fs.writeFileSync(path.join(dir, fresh), "half");
      writeFileAtomic(path.join(dir, "d.csv"), "new");
      assert.deepEqual(
        fs.readdirSync(dir).sort(),
        ["d.csv", live.temporary, own, "notes.tmp-draft", foreign, fresh].sort(),
      );
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
    age(path.join(dir, "figures", figure.temporary), 120);
    const table = await writer(path.join(dir, "data", "05-rows.csv"));
    await killed(table.child);
    age(path.join(dir, "data", table.temporary), 120);
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
