// Drives Debian's Chromium (headless) with playwright-core for tests/TypedSocketIO.Browser.Tests.
//
//   node browser-driver.mjs [--executable /usr/bin/chromium] [--lifetime ms]
//
// Reads one JSON command a line on stdin, {"id":1,"cmd":"open","page":"ada","url":"http://127.0.0.1:5000/"}, and answers
// each on stdout, {"id":1,"ok":true,"result":…} or {"id":1,"ok":false,"error":"…"}. Its first line is {"event":"ready"}
// once the browser runs. Every page has its own browser context (its own storage). Every wait is bounded (the command's
// "timeout", 10 s by default). Commands run in order. It closes the browser and exits when stdin closes, on a "quit" command, or after
// --lifetime (5 minutes by default) whatever happens. Playwright's own browser download is never used: the browser is the
// system's Chromium, started with the flags that a closed network needs.
import { chromium } from "playwright-core";
import { createInterface } from "node:readline";

const options = { executable: "/usr/bin/chromium", lifetime: 300000 };
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, "");
  if (!(key in options) || process.argv[i + 1] === undefined) {
    console.error(`usage: node browser-driver.mjs [--executable path] [--lifetime ms] (bad option ${process.argv[i]})`);
    process.exit(64);
  }
  options[key] = key === "lifetime" ? Number(process.argv[i + 1]) : process.argv[i + 1];
}

const write = (value) => process.stdout.write(JSON.stringify(value) + "\n");
let browser;
const pages = new Map();   // name → { context, page, logs }

async function shutdown(code) {
  try {
    await Promise.race([browser?.close(), new Promise((r) => setTimeout(r, 5000))]);
  } finally {
    process.exit(code);
  }
}

setTimeout(() => {
  console.error(`browser-driver: lifetime of ${options.lifetime} ms reached`);
  shutdown(2);
}, options.lifetime).unref();

try {
  browser = await chromium.launch({
    executablePath: options.executable,
    headless: true,
    timeout: 30000,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ],
  });
} catch (error) {
  write({ event: "failed", error: `cannot start ${options.executable}: ${error.message}` });
  process.exit(1);
}

function get(name) {
  const entry = pages.get(name);
  if (!entry) throw new Error(`no page named "${name}"`);
  return entry;
}

function locate(page, command) {
  let locator = page.locator(command.selector);
  if (command.hasText !== undefined) locator = locator.filter({ hasText: command.hasText });
  return locator.first();
}

const commands = {
  async open(c) {
    const context = await browser.newContext({ viewport: c.viewport ?? { width: 1100, height: 680 } });
    const page = await context.newPage();
    const logs = [];
    page.on("console", (m) => logs.push(`console.${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => logs.push(`page error: ${e.message}`));
    page.on("requestfailed", (r) => logs.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
    page.on("dialog", (d) => { logs.push(`dialog: ${d.message()}`); d.dismiss().catch(() => {}); });
    pages.set(c.page, { context, page, logs });
    await page.goto(c.url, { timeout: c.timeout, waitUntil: "load" });
    return page.url();
  },
  async close(c) {
    const entry = get(c.page);
    pages.delete(c.page);
    await entry.context.close();
  },
  async fill(c) { await locate(get(c.page).page, c).fill(c.value, { timeout: c.timeout }); },
  async click(c) { await locate(get(c.page).page, c).click({ timeout: c.timeout }); },
  async press(c) { await locate(get(c.page).page, c).press(c.key, { timeout: c.timeout }); },
  async type(c) { await locate(get(c.page).page, c).pressSequentially(c.value, { delay: 20, timeout: c.timeout }); },
  async waitFor(c) { await locate(get(c.page).page, c).waitFor({ state: c.state ?? "visible", timeout: c.timeout }); },
  async text(c) { return await locate(get(c.page).page, c).textContent({ timeout: c.timeout }); },
  async texts(c) { return await get(c.page).page.locator(c.selector).allTextContents(); },
  // Waits until a JavaScript expression (a function body returning a value) is truthy in the page; returns that value.
  async waitUntil(c) {
    const handle = await get(c.page).page.waitForFunction(c.expression, undefined, { timeout: c.timeout, polling: 50 });
    return await handle.jsonValue();
  },
  async evaluate(c) { return await get(c.page).page.evaluate(c.expression); },
  async screenshot(c) { await get(c.page).page.screenshot({ path: c.path, timeout: c.timeout }); return c.path; },
  async logs(c) { return get(c.page).logs; },
  async pages() { return [...pages.keys()]; },
  async quit() { setTimeout(() => shutdown(0), 10); },
};

write({ event: "ready", browser: browser.version() });

// Commands run one after another, in the order they arrive.
let queue = Promise.resolve();
const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => { queue = queue.then(() => handle(line)); });
lines.on("close", () => { queue.then(() => shutdown(0)); });

async function handle(line) {
  let command;
  try {
    command = JSON.parse(line);
  } catch {
    write({ ok: false, error: `not JSON: ${line}` });
    return;
  }
  const run = commands[command.cmd];
  if (!run) {
    write({ id: command.id, ok: false, error: `unknown command "${command.cmd}"` });
    return;
  }
  command.timeout ??= 10000;
  try {
    write({ id: command.id, ok: true, result: (await run(command)) ?? null });
  } catch (error) {
    write({ id: command.id, ok: false, error: error.message.replace(/\x1b\[[0-9;]*m/g, "") });   // no terminal colours
  }
}
