/** Every workload, in report order. */
import { register, type RegisteredWorkload } from "../harness/measure.js";
import { dispatchWorkload } from "./w1-dispatch.js";
import { parallelCpuWorkload } from "./w2-parallel-cpu.js";
import { itemOverheadWorkload } from "./w2b-item-overhead.js";
import { dagWorkload } from "./w3-dag.js";
import { distributedWorkload } from "./w4-distributed.js";
import { compilerWorkload } from "./w5-compiler.js";
import { branchWorkload } from "./w6-branch.js";
import { journalWorkload } from "./w7-journal.js";
import { editorWorkload } from "./w8-editor.js";
import { importWorkload } from "./w9-import.js";

export const WORKLOADS: readonly RegisteredWorkload[] = [
  register(dispatchWorkload),
  register(parallelCpuWorkload),
  register(itemOverheadWorkload),
  register(dagWorkload),
  register(distributedWorkload),
  register(compilerWorkload),
  register(branchWorkload),
  register(journalWorkload),
  register(editorWorkload),
  register(importWorkload),
];
