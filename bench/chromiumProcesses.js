// What the scale and phone benches need beyond Playwright: a Chromium that also listens for a second
// CDP client (puppeteer-core, which gives each dedicated worker its own CDP session), the memory of
// its renderer processes and workers sampled while a step runs, and a CPU slowed for the workers too.
import { chromium } from '@playwright/test';
import puppeteer from 'puppeteer-core';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Worker } from 'node:worker_threads';

const MB = 2 ** 20;

async function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer()
      .once('error', fail)
      .listen(0, '127.0.0.1', () => {
        const { port } = s.address();
        s.close(() => ok(port));
      });
  });
}

/**
 * A Playwright Chromium that also accepts CDP on a local port, and puppeteer-core connected to it.
 * Playwright drives the pages as in the other benches; puppeteer only observes (worker sessions,
 * process list). Close with `close()`.
 */
export async function launchWithCdp(launchOptions) {
  const port = await freePort();
  const browser = await chromium.launch({ ...launchOptions, args: [...(launchOptions.args ?? []), `--remote-debugging-port=${port}`, '--remote-debugging-address=127.0.0.1'] });
  const observer = await puppeteer.connect({ browserURL: `http://127.0.0.1:${port}`, defaultViewport: null, protocolTimeout: 600_000 });
  const browserSession = await observer.target().createCDPSession();
  return {
    browser,
    observer,
    /** Process ids of the browser's renderers (a page's dedicated workers run as threads inside its renderer). */
    async rendererPids() {
      const { processInfo } = await browserSession.send('SystemInfo.getProcessInfo');
      return processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
    },
    /** puppeteer's view of the page at `urlPrefix` (its workers carry their own CDP sessions). */
    async observedPage(urlPrefix) {
      const pages = await observer.pages();
      const page = pages.find((p) => p.url().startsWith(urlPrefix));
      if (!page) throw new Error(`no page at ${urlPrefix} among ${pages.map((p) => p.url()).join(', ')}`);
      return page;
    },
    async close() {
      await observer.disconnect().catch(() => {});
      await browser.close();
    },
  };
}

/** VmRSS and VmHWM (MB) of a process from /proc, or null when it is gone. */
function procMemory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/**
 * Samples, every `everyMs` while a step runs: the resident memory (VmRSS from /proc) of each renderer
 * process of the browser — the page and its workers share one — and, through each worker's own CDP
 * session, the worker's JS heap plus the ArrayBuffer backing stores it holds (Runtime.getHeapUsage
 * usedSize + backingStorageSize: typed arrays live there, outside the JS heap). A busy worker answers
 * between its tasks, so a worker sample can lag; at most one request per worker is in flight.
 * `stop()` returns the peaks in MB.
 */
export function sampleMemory(cdp, observedPage, everyMs = 250) {
  let rendererPeak = 0;
  let workerPeak = 0;
  let samples = 0;
  let pids = [];
  const inFlight = new Set();
  const workerBytes = new Map();
  let stopped = false;
  const refreshPids = async () => {
    pids = await cdp.rendererPids().catch(() => pids);
  };
  const tick = () => {
    if (stopped) return;
    samples++;
    let rss = 0;
    for (const pid of pids) rss += procMemory(pid)?.rss ?? 0;
    rendererPeak = Math.max(rendererPeak, rss);
    for (const worker of observedPage.workers()) {
      if (inFlight.has(worker)) continue;
      inFlight.add(worker);
      worker.client
        .send('Runtime.getHeapUsage')
        .then((h) => {
          const mb = (h.usedSize + (h.backingStorageSize ?? 0)) / MB;
          workerBytes.set(worker.url(), Math.max(workerBytes.get(worker.url()) ?? 0, mb));
          workerPeak = Math.max(workerPeak, mb);
        })
        .catch(() => {}) // a worker that ended meanwhile
        .finally(() => inFlight.delete(worker));
    }
  };
  const ready = refreshPids().then(tick);
  const timer = setInterval(tick, everyMs);
  const pidTimer = setInterval(refreshPids, 2000);
  return {
    ready,
    async stop() {
      clearInterval(timer);
      clearInterval(pidTimer);
      tick();
      stopped = true;
      const hwm = pids.map((pid) => procMemory(pid)?.hwm ?? 0);
      const perWorker = Object.fromEntries([...workerBytes].map(([url, mb]) => [url.replace(/^.*\/workers\/([a-z]+)\.worker.*$/, '$1'), Math.round(mb)]));
      return {
        renderer_rss_peak_mb: Math.round(rendererPeak),
        renderer_hwm_mb: Math.round(Math.max(0, ...hwm)),
        worker_peak_mb: Math.round(workerPeak),
        per_worker_mb: perWorker,
        samples,
      };
    },
  };
}

/**
 * Slows a set of processes by stopping and resuming them (SIGSTOP / SIGCONT): they run `runMs`, then
 * stay stopped (rate - 1)× as long as they ran. CDP's Emulation.setCPUThrottlingRate
 * slows only a page's main thread (Chromium 156 refuses it on a worker's session: "Operation is only
 * supported for pages, not workers"), so this slows the whole renderer: the page and its workers alike,
 * as a slower phone would. The cycle runs in a Node worker thread, sleeping with Atomics.wait, so the
 * bench's own event loop does not stretch it. `stop()` resumes the processes.
 */
export function throttleProcesses(pids, rate, runMs = 2) {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  // The stopped time is kept at (rate - 1) × the running time actually measured, so a late wake-up of
  // this thread (the machine is busy) lengthens the next stop instead of weakening the throttle.
  const code = `
    const { workerData } = require('node:worker_threads');
    const { pids, runMs, rate, flag } = workerData;
    const nap = new Int32Array(new SharedArrayBuffer(4));
    const signal = (s) => { for (const p of pids) { try { process.kill(p, s); } catch {} } };
    let ran = 0;
    let stopped = 0;
    while (Atomics.load(flag, 0) === 0) {
      let t = performance.now();
      signal('SIGSTOP');
      const owed = (rate - 1) * ran - stopped;
      if (owed > 0) Atomics.wait(nap, 0, 0, owed);
      const resumed = performance.now();
      stopped += resumed - t;
      signal('SIGCONT');
      Atomics.wait(nap, 0, 0, runMs);
      ran += performance.now() - resumed;
    }
    signal('SIGCONT');
  `;
  const worker = new Worker(code, { eval: true, workerData: { pids, runMs, rate, flag } });
  const ended = new Promise((ok) => worker.once('exit', ok));
  return {
    async stop() {
      Atomics.store(flag, 0, 1);
      await ended;
      for (const p of pids) {
        try {
          process.kill(p, 'SIGCONT');
        } catch {
          // gone
        }
      }
    },
  };
}
