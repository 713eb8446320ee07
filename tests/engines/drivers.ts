/**
 * The two engines Playwright cannot drive from Debian's packages, each behind one small interface:
 * Firefox ESR over WebDriver BiDi (puppeteer-core) and WebKitGTK through WebKitWebDriver
 * (selenium-webdriver), the engine of Safari and of every browser on an iPhone. No browser is ever
 * downloaded: both come from apt (firefox-esr, webkit2gtk-driver, xvfb).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import puppeteer from 'puppeteer-core';
import { Builder, By, type WebDriver } from 'selenium-webdriver';

export interface EngineDriver {
  /** The browser's own name and version, e.g. "firefox/153.8.0". */
  readonly version: string;
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  /** Calls `fn` (its source is sent, so it may use only its arguments) in the page; awaits a returned promise. */
  evaluate<T>(fn: (...args: never[]) => unknown, ...args: unknown[]): Promise<T>;
  /** A real click, by the driver, on the element matching `css`. */
  click(css: string): Promise<void>;
  /** Types into the element matching `css` after clearing it. */
  type(css: string, text: string): Promise<void>;
  /** Gives a file on disk to an `<input type=file>`, as a user choosing it does. */
  upload(css: string, path: string): Promise<void>;
  close(): Promise<void>;
}

export interface Engine {
  name: 'firefox' | 'webkit';
  /** Why the engine cannot run on this machine, or null. */
  missing: string | null;
  launch(): Promise<EngineDriver>;
}

const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
const MINIBROWSER = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const XVFB_RUN = '/usr/bin/xvfb-run';

const absent = (paths: string[], pkgs: string) => {
  const gone = paths.filter((p) => !existsSync(p));
  return gone.length ? `${gone.join(', ')} not found (apt-get install ${pkgs}; .ci/run does)` : null;
};

export const firefox: Engine = {
  name: 'firefox',
  missing: absent([FIREFOX], 'firefox-esr'),
  async launch() {
    const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, protocolTimeout: 180_000 });
    const page = await browser.newPage();
    page.setDefaultTimeout(60_000);
    return {
      version: await browser.version(),
      goto: async (url) => void (await page.goto(url)),
      reload: async () => void (await page.reload()),
      evaluate: <T>(fn: (...args: never[]) => unknown, ...args: unknown[]) => page.evaluate(`(${fn.toString()})(...${JSON.stringify(args)})`) as Promise<T>,
      click: (css) => page.click(css),
      async type(css, text) {
        await page.click(css, { count: 3 });
        await page.keyboard.press('Backspace');
        await page.type(css, text);
      },
      async upload(css, path) {
        const input = await page.$(css);
        if (!input) throw new Error(`no ${css}`);
        await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(path);
      },
      close: () => browser.close(),
    };
  },
};

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
    s.on('error', fail);
  });
}

async function waitForDriver(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/status`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('WebKitWebDriver did not start within 10 s');
}

export const webkit: Engine = {
  name: 'webkit',
  missing: absent([WEBKIT_DRIVER, MINIBROWSER, XVFB_RUN], 'webkit2gtk-driver xvfb'),
  async launch() {
    const port = await freePort();
    // MiniBrowser needs a display: a virtual one. LANG=C.UTF-8 (Debian's default, and CI's) makes
    // WebKitGTK report navigator.language "C", which is not a BCP 47 tag: the locale that left four
    // pages blank, pinned here so the suite keeps checking it whatever the host's locale.
    const child = spawn(XVFB_RUN, ['-a', WEBKIT_DRIVER, `--port=${port}`], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
    });
    const stop = () => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    };
    let driver: WebDriver;
    try {
      await waitForDriver(`http://127.0.0.1:${port}`, child);
      driver = await new Builder()
        .usingServer(`http://127.0.0.1:${port}`)
        .withCapabilities({ browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } })
        .build();
      await driver.manage().setTimeouts({ script: 180_000, pageLoad: 60_000 });
    } catch (e) {
      stop();
      throw e;
    }
    const caps = await driver.getCapabilities();
    return {
      version: `${caps.get('browserName')}/${caps.get('browserVersion')}`,
      goto: (url) => driver.get(url),
      reload: () => driver.navigate().refresh(),
      evaluate: <T>(fn: (...args: never[]) => unknown, ...args: unknown[]) => driver.executeScript(`return (${fn.toString()}).apply(null, arguments)`, ...args) as Promise<T>,
      click: async (css) => (await driver.findElement(By.css(css))).click(),
      async type(css, text) {
        const el = await driver.findElement(By.css(css));
        await el.clear();
        await el.sendKeys(text);
      },
      async upload(css, path) {
        // WebKitWebDriver sends keys only to a displayed element, and the app's file input is hidden
        // behind its "Choose CSV file…" button: show it for the moment of choosing.
        await driver.executeScript('arguments[0].hidden = false', await driver.findElement(By.css(css)));
        await (await driver.findElement(By.css(css))).sendKeys(path);
      },
      async close() {
        try {
          await driver.quit();
        } finally {
          stop();
        }
      },
    };
  },
};
