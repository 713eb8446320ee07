/** Long jobs of this worker by job id, so that `cancelJob` can abort one between chunks or epochs. */
const jobs = new Map<string, AbortController>();

/** Runs a job with its own AbortSignal, registered under `jobId` while it runs. */
export async function withJob<T>(jobId: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  jobs.set(jobId, controller);
  try {
    return await run(controller.signal);
  } finally {
    jobs.delete(jobId);
  }
}

/** Aborts a running job of this worker; an unknown or finished job is ignored. */
export function cancelJob(jobId: string): void {
  jobs.get(jobId)?.abort();
}
