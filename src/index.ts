/**
 * ntk-lab's public API: everything a notebook or a user imports, re-exported flat.
 */
export * from "./random";
export * from "./inputs";
export * from "./kernels/index";
export * from "./report/index";
export * from "./spectrum/index";
export * from "./regression/index";
export * from "./linalg/index";
export * from "./training/index";
export * from "./optimize";
export * from "./targets";
export * from "./fourier";
export * from "./spectral-bias";
export { checkMemory, memoryBudget, type MemoryBudget } from "./memory";

/**
 * tslab evaluates each file of src/ as a child module of its executor, and Node lists a module's children
 * forever, so without this every earlier instance of src/ would stay reachable after a rerun of the import
 * cell (1.5-1.8 MB of heap each). The current instance of a file is the last child of that name; earlier
 * ones are dropped from the list. Outside tslab (plain Node, tsx) the executor is not loaded: nothing to do.
 */
function releaseEarlierInstances(): void {
  let executorModule: NodeJS.Module | undefined;
  try {
    executorModule = require.cache[require.resolve("tslab/dist/executor")];
  } catch {
    return;
  }
  if (!executorModule) return;
  const children = executorModule.children;
  const latest = new Map<string, NodeJS.Module>();
  for (const child of children) if (child.filename.startsWith(__dirname)) latest.set(child.filename, child);
  const kept = children.filter(
    (child) => !child.filename.startsWith(__dirname) || latest.get(child.filename) === child,
  );
  children.splice(0, children.length, ...kept);
}
releaseEarlierInstances();
