/**
 * The `pocketflow` package: a minimal workflow library whose Nodes read and
 * write a shared store (`prep` reads, `exec` computes, `post` writes and
 * picks the next Node). Used the way its documentation shows.
 */
import { Flow, Node, ParallelBatchNode } from "pocketflow";
import type { Contender } from "../harness/types.js";
import type { ParallelItemsSetup } from "../workloads/parallel-items.js";
import type { ChainStep, DispatchOutput, DispatchSetup } from "../workloads/w1-dispatch.js";

interface ChainStore {
  value: number;
}

/** A Node that applies one step of the chain to the store's value. */
class StepNode extends Node<ChainStore> {
  readonly step: ChainStep;

  constructor(step: ChainStep) {
    super();
    this.step = step;
  }

  override async prep(shared: ChainStore): Promise<number> {
    return shared.value;
  }

  override async exec(value: unknown): Promise<number> {
    return this.step(value as number);
  }

  override async post(shared: ChainStore, _prep: unknown, result: unknown): Promise<undefined> {
    shared.value = result as number;
    return undefined;
  }
}

/** W1: three Nodes chained in a Flow, run once per x. */
export const pocketflowChain: Contender<DispatchSetup, DispatchOutput> = {
  id: "pocketflow",
  label: "pocketflow: Flow of three Nodes",
  role: "peer",
  placement: "process",
  async prepare({ runs, methods }) {
    const first = new StepNode(methods.a);
    first.next(new StepNode(methods.b)).next(new StepNode(methods.c));
    const flow = new Flow<ChainStore>(first);
    return {
      async run() {
        const output = new Float64Array(runs);
        for (let x = 0; x < runs; x++) {
          const shared: ChainStore = { value: x };
          await flow.run(shared);
          output[x] = shared.value;
        }
        return output;
      },
    };
  },
};

interface BatchStore<I, R> {
  readonly items: readonly I[];
  output: R[];
}

/** A ParallelBatchNode applying `method` to each of the store's items. */
class MethodBatchNode<I, R> extends ParallelBatchNode<BatchStore<I, R>> {
  readonly method: (item: I) => R;

  constructor(method: (item: I) => R) {
    super();
    this.method = method;
  }

  override async prep(shared: BatchStore<I, R>): Promise<readonly I[]> {
    return shared.items;
  }

  override async exec(item: unknown): Promise<R> {
    return this.method(item as I);
  }

  override async post(shared: BatchStore<I, R>, _prep: unknown, results: unknown): Promise<undefined> {
    shared.output = results as R[];
    return undefined;
  }
}

/** W2: its parallel batch node (`Promise.all` over the items, in this thread) in a Flow. */
export function pocketflowParallelBatch<I, R>(): Contender<ParallelItemsSetup<I, R>, R[]> {
  return {
    id: "pocketflow-batch",
    label: "pocketflow: ParallelBatchNode",
    role: "peer",
    placement: "process",
    async prepare({ items, method }) {
      const flow = new Flow<BatchStore<I, R>>(new MethodBatchNode(method));
      return {
        async run() {
          const shared: BatchStore<I, R> = { items, output: [] };
          await flow.run(shared);
          return shared.output;
        },
      };
    },
  };
}
