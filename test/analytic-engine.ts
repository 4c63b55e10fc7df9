/** A test helper: the analytic kernels' engine set for a suite (setAnalyticEngine), restored after it. */
import { after, before } from "node:test";
import { setAnalyticEngine } from "../src/kernels/ntk";

/** In the calling describe(): engine before its tests, the previous engine after them. */
export function onAnalyticEngine(engine: Parameters<typeof setAnalyticEngine>[0]): void {
  let previous: ReturnType<typeof setAnalyticEngine> = "auto";
  before(() => (previous = setAnalyticEngine(engine)));
  after(() => setAnalyticEngine(previous));
}
