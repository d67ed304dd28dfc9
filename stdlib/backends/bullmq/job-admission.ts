/**
 * Which jobs a worker runs: a job is admitted only when its data reads as a
 * shard job of the method its queue serves (anything else fails at once,
 * unretried, and its caller hears why), and a job that BullMQ fails for a
 * reason of its own (it stalled too often) is reported to its caller, which
 * would otherwise wait for it.
 */
import { Job, UnrecoverableError, Worker, type JobJson } from "bullmq";
import { describe, errors } from "../../errors.js";
import type { PlanDescriptor, PlanMethod } from "../../plan.js";
import { callId, ID_PATTERN } from "./keys.js";
import { readJobData, shardItems, type Reply, type ShardJobData } from "./messages.js";
import { restoreHoles } from "./payload.js";
import { toWireError } from "./wire-error.js";

/** What admission needs of its worker. */
export interface AdmissionHost {
  readonly plan: PlanDescriptor;
  readonly workerId: string;
  readonly methodIndex: ReadonlyMap<string, number>;
  readonly maxStalls: number;
  log(line: string): void;
  send(data: Pick<ShardJobData, "session">, reply: Reply): void;
}

/** Marks the failures this worker reported itself, so its `failed` listener does not report them twice. */
export const reported = new WeakSet<Error>();

/** Marks job data that is not JSON: the processor fails such a job with the reason kept under it, running nothing. */
const UNREADABLE = Symbol("unreadable job data");

/**
 * BullMQ's worker, except that a job whose stored data does not parse still
 * reaches the processor (which refuses it, once) instead of failing in
 * BullMQ's job loader, where it would stay active, stall, and be taken
 * again and again without ever failing.
 */
export class ShardWorker extends Worker {
  protected override createJob(json: JobJson, jobId: string): Job {
    try {
      return super.createJob(json, jobId);
    } catch (error) {
      const job = super.createJob({ ...json, data: "null" }, jobId);
      job.data = { [UNREADABLE]: describe(error) };
      return job;
    }
  }
}

/** The job's data, if the job may run here at all; otherwise it fails for good, and its caller (if any) hears why. */
export function admitJob(host: AdmissionHost, method: PlanMethod, job: Job): { data: ShardJobData; inputs: unknown[] } {
  let data: ShardJobData | undefined;
  try {
    const unreadable = (job.data as { [UNREADABLE]?: string } | null)?.[UNREADABLE];
    if (unreadable !== undefined) throw errors.badPayload(`its data is not JSON (${unreadable})`);
    if (job.name !== method.name) {
      throw errors.badPayload(
        `the job names method '${job.name}', but this queue serves '${method.name}' of plan '${host.plan.name}'`,
      );
    }
    data = readJobData(job.data, (run, repeat) => callId(run, host.methodIndex.get(method.name) ?? -1, repeat));
    if (!ID_PATTERN.test(data.call) || !ID_PATTERN.test(data.session))
      throw errors.badPayload("the job's call or session id is malformed");
    const inputs = restoreHoles([...data.input], data.holes);
    if (data.single && inputs.length > 1) throw errors.badPayload("a single call's job holds more than one input");
    const last = data.delivered?.at(-1);
    if (last !== undefined && last >= Math.max(inputs.length, 1))
      throw errors.badPayload(`the job's 'delivered' names item ${last} of a shard of ${inputs.length}`);
    return { data, inputs };
  } catch (error) {
    const refused = errors.jobRefused(job.id ?? "?", job.queueName, error);
    host.log(refused.message);
    // BullMQ fails an UnrecoverableError at once, without retries; the caller hears the PayloadError.
    const refusal = new UnrecoverableError(refused.message);
    reported.add(refusal);
    if (data !== undefined && ID_PATTERN.test(data.call) && ID_PATTERN.test(data.session)) {
      tellFailure(host, data, 1, refused);
    }
    throw refusal;
  }
}

/** A job failed without this worker's processor saying so (it stalled too often): tell its caller. */
export function reportForeignFailure(host: AdmissionHost, method: PlanMethod, job: Job, error: Error): void {
  if (reported.has(error)) return;
  let data: ShardJobData;
  try {
    data = readJobData(job.data, (run, repeat) => callId(run, host.methodIndex.get(method.name) ?? -1, repeat));
  } catch {
    return;
  }
  if (!ID_PATTERN.test(data.call) || !ID_PATTERN.test(data.session)) return;
  const count = data.single ? 1 : data.input.length;
  const items = data.single ? "" : ` (${shardItems(data, count)})`;
  // BullMQ's words for a job whose lock lapsed more often than maxStalledCount allows.
  const stalled = error.message.includes("stalled more than allowable limit");
  const failure = stalled
    ? errors.jobStalled(data.shard, items, job.stalledCounter, host.maxStalls, method.name)
    : errors.jobFailed(method.name, data.shard, items, error.message);
  tellFailure(host, data, Math.max(job.attemptsStarted, job.attemptsMade, 1), failure);
}

/** Tells the job's caller that the shard failed for good with `error`, on no item in particular. */
function tellFailure(host: AdmissionHost, data: ShardJobData, attempts: number, error: Error): void {
  host.send(data, {
    t: "fail",
    call: data.call,
    shard: data.shard,
    token: data.token,
    worker: host.workerId,
    item: null,
    attempts,
    error: toWireError(error),
  });
}
