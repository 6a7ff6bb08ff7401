// The playground page as a person uses it, in Debian's Chromium driven by playwright-core (never a downloaded
// browser). Run by PlaygroundBrowserIT against ./run-local started with one slot per model and SIM_RUN_SECONDS=2.
//
// env: BASE_URL (http://127.0.0.1:PORT), API_KEY (an operator's key), FRAME_PNG (an image to upload),
//      SCREENSHOT (where the full-page screenshot goes), CHROMIUM (default /usr/bin/chromium)
// Prints one line per check ("ok <name>" or "FAILED <name>: <detail>") and exits 1 if any failed.

import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BASE = process.env.BASE_URL;
const KEY = process.env.API_KEY;
const FRAME = process.env.FRAME_PNG;
const SHOT = process.env.SCREENSHOT;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const LONG = 60_000;

let failures = 0;
function check(name, ok, detail = '') {
  if (ok) console.log(`ok ${name}`);
  else {
    failures++;
    console.log(`FAILED ${name}${detail ? `: ${detail}` : ''}`);
  }
}

async function api(path, options = {}) {
  const response = await fetch(BASE + path, { ...options, headers: { Authorization: `Bearer ${KEY}`, ...(options.headers || {}) } });
  return { status: response.status, body: await response.text() };
}

const started = Date.now();
const profile = mkdtempSync(join(tmpdir(), 'playground-chromium-'));
// A fresh profile; no sandbox (root), no GPU, and none of Chromium's own background traffic: this machine has no
// network beyond loopback and the package registries.
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 1000 },
});
const requests = [];
const consoleErrors = [];
context.on('request', (request) => requests.push(request));
// Any Content-Security-Policy violation on the page is recorded where the checks can read it.
await context.addInitScript(() => {
  window.policyViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.policyViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
});
const page = context.pages()[0] || await context.newPage();
// Each error with the URL it is about: a failed load names its resource only there.
page.on('console', (message) => {
  if (message.type() === 'error') consoleErrors.push({ text: message.text(), url: message.location()?.url || '' });
});
page.on('pageerror', (error) => consoleErrors.push({ text: `page error: ${error.message}`, url: '' }));
page.setDefaultTimeout(20_000);

try {
  // ------------------------------------------------------------ the page and the key
  const response = await page.goto(`${BASE}/`);
  const policy = response.headers()['content-security-policy'] || '';
  check('the page is served with a strict Content-Security-Policy',
    response.status() === 200 && policy.includes("script-src 'self'") && !policy.includes('unsafe'), policy);
  // The key field has the focus: type the key and press Enter, as a keyboard user does.
  check('the key field has the focus on arrival', await page.evaluate(() => document.activeElement?.id) === 'api-key');
  await page.keyboard.type(KEY);
  await page.keyboard.press('Enter');
  await page.locator('#who').filter({ hasText: 'Tenant' }).waitFor();
  check('the key is accepted and the tenant shown', /Tenant \S+ \(operator\)/.test(await page.locator('#who').innerText()),
    await page.locator('#who').innerText());
  check('the key is kept in session storage only', await page.evaluate((key) =>
    sessionStorage.getItem('wan-gateway-api-key') === key && localStorage.length === 0 && document.cookie === '', KEY));
  check('the key field is emptied', await page.locator('#api-key').inputValue() === '');

  // ------------------------------------------------------------ i2v with an uploaded first frame, to completion
  await page.selectOption('#model', 'wan2.7-i2v');
  await page.selectOption('#combination', { label: 'First frame' });
  const slot = page.locator('#i2v-slots .slot[data-type="first_frame"]');
  await slot.locator('input.by-file').check();
  await slot.locator('input.slot-file').setInputFiles(FRAME);
  await page.fill('#prompt', 'The portrait turns and smiles');
  await page.fill('#seconds', '3');
  const created = page.waitForResponse((r) => r.url() === `${BASE}/v1/videos` && r.request().method() === 'POST');
  await page.click('#create');
  const submit = await created;
  const sentType = submit.request().headers()['content-type'] || '';
  check('the create is sent as a multipart form, as the SDKs send it', submit.status() === 200 && sentType.startsWith('multipart/form-data'),
    `${submit.status()} ${sentType} ${submit.status() !== 200 ? await submit.text() : ''}`);
  const video = JSON.parse(await submit.text());
  const task = page.locator(`.task[data-id="${video.id}"]`);
  await task.waitFor();
  const seen = new Set();
  const deadline = Date.now() + LONG;
  while (Date.now() < deadline) {
    const status = await task.getAttribute('data-status');
    seen.add(status);
    if (status === 'completed' || status === 'failed') break;
    await page.waitForTimeout(150);
  }
  const status = await task.getAttribute('data-status');
  check('the uploaded-frame task reaches completed in the list', status === 'completed',
    `${status}: ${await task.locator('.task-error').innerText()}`);
  check('the list showed it before it completed', seen.has('queued') || seen.has('in_progress'), [...seen].join(', '));
  check('its progress bar is full', await task.locator('progress').evaluate((p) => p.value) === 100);
  check('its age is shown', /took \d+ s/.test(await task.locator('.age').innerText()), await task.locator('.age').innerText());
  const duration = await task.locator('video').evaluate((v) => new Promise((resolve) => {
    if (v.readyState >= 1) resolve(v.duration);
    v.addEventListener('loadedmetadata', () => resolve(v.duration), { once: true });
    v.addEventListener('error', () => resolve(`error ${v.error?.code} ${v.error?.message}`), { once: true });
  }));
  check('its <video> has loaded its metadata (duration > 0)', typeof duration === 'number' && duration > 0, String(duration));
  const videoSrc = await task.locator('video').getAttribute('src');
  check('the video plays from the task\'s short-lived link, not through the API with the key',
    !!videoSrc && !videoSrc.startsWith(BASE) && !videoSrc.includes(KEY), videoSrc);

  // ------------------------------------------------------------ a task that fails shows its code and message
  await slot.locator('input[value="url"]').check();
  await slot.locator('input.slot-url').fill('https://example.com/portrait.png');
  await page.fill('#prompt', 'The portrait frowns sim:fail=DataInspectionFailed');
  const failedId = JSON.parse(await (await Promise.all([
    page.waitForResponse((r) => r.url() === `${BASE}/v1/videos` && r.request().method() === 'POST'),
    page.click('#create')]))[0].text()).id;
  const failedTask = page.locator(`.task[data-id="${failedId}"]`);
  await page.locator(`.task[data-id="${failedId}"][data-status="failed"]`).waitFor({ timeout: LONG });
  const failure = await failedTask.locator('.task-error').innerText();
  check('a failed task shows its code and message', failure.startsWith('DataInspectionFailed: ') && failure.length > 25, failure);
  check('a failed task offers Delete and plays nothing', await failedTask.locator('button.act').innerText() === 'Delete'
    && await failedTask.locator('video').count() === 0);

  // ------------------------------------------------------------ cancel from the list (one slot per model)
  await page.selectOption('#model', 'wan2.7-r2v');
  const reference = page.locator('#references .slot').first();
  await reference.locator('input.slot-url').fill('https://example.com/character.png');
  await page.fill('#prompt', 'Image 1 waves for a while sim:run=30');
  const runningId = JSON.parse(await (await Promise.all([
    page.waitForResponse((r) => r.url() === `${BASE}/v1/videos` && r.request().method() === 'POST'),
    page.click('#create')]))[0].text()).id;
  const running = page.locator(`.task[data-id="${runningId}"]`);
  await page.locator(`.task[data-id="${runningId}"][data-status="in_progress"]`).waitFor({ timeout: LONG });
  await page.fill('#prompt', 'Image 1 waits its turn');
  const waitingId = JSON.parse(await (await Promise.all([
    page.waitForResponse((r) => r.url() === `${BASE}/v1/videos` && r.request().method() === 'POST'),
    page.click('#create')]))[0].text()).id;
  const waiting = page.locator(`.task[data-id="${waitingId}"]`);
  await waiting.waitFor();
  await page.waitForTimeout(1500);
  check('with the only slot taken, the second task waits', await waiting.getAttribute('data-status') === 'queued');
  await waiting.locator('button.act', { hasText: 'Cancel' }).click();
  await waiting.waitFor({ state: 'detached' });
  check('Cancel removes a waiting task, and the API no longer has it', (await api(`/v1/videos/${waitingId}`)).status === 404);

  // ------------------------------------------------------------ refused requests: each error at its field
  await reference.locator('input.slot-url').fill('ftp://example.com/character.png');
  const badUrl = page.waitForResponse((r) => r.url() === `${BASE}/v1/videos` && r.request().method() === 'POST');
  await page.click('#create');
  const urlError = JSON.parse(await (await badUrl).text()).error;
  const atUrl = reference.locator('[data-error-for="media[0].url"]');
  await atUrl.waitFor();
  check('a refused media URL is shown in its media slot', urlError.param === 'media[0].url'
    && (await atUrl.innerText()).includes(urlError.message)
    && await reference.locator('input.slot-url').getAttribute('aria-invalid') === 'true', JSON.stringify(urlError));
  await reference.locator('select.slot-type').selectOption('reference_video');
  await reference.locator('input.slot-url').fill('https://example.com/walk.mp4');
  await page.fill('#prompt', 'Video 1 dances for a long time');
  await page.fill('#seconds', '12');
  const refused = page.waitForResponse((r) => r.url() === `${BASE}/v1/videos` && r.request().method() === 'POST');
  await page.click('#create');
  const refusal = await refused;
  const error = JSON.parse(await refusal.text()).error;
  check('the API refuses 12 s with a reference video, naming seconds', refusal.status() === 400 && error.param === 'seconds',
    JSON.stringify(error));
  const shown = page.locator('.field:has(#seconds) [data-error-for="seconds"]');
  await shown.waitFor();
  check('the error is shown next to the seconds field', (await shown.innerText()).includes(error.message), await shown.innerText());
  check('the seconds field is marked invalid, described by the error, and focused',
    await page.locator('#seconds').evaluate((f) => f.getAttribute('aria-invalid') === 'true'
      && document.querySelectorAll('[aria-invalid]').length === 1
      && (f.getAttribute('aria-describedby') || '').includes(f.closest('.field').querySelector('.field-error').id)
      && document.activeElement === f));
  check('no task was added for the refused requests', await page.locator('.task').count() === 3);

  // ------------------------------------------------------------ the dashboard, then the screenshot
  await page.waitForFunction(() => {
    const figure = (pool, label) => [...document.querySelectorAll(`[data-pool="${pool}"] .figure`)]
      .find((f) => f.querySelector('.figure-label').textContent === label)?.querySelector('.figure-value').textContent;
    return figure('wan2.7-i2v', 'completed, last hour') === '1' && figure('wan2.7-r2v', 'slots in use') === '1 / 1';
  }, null, { timeout: 30_000 });
  check('the dashboard shows the pool: the completion, and the slot in use', true);
  check('the dashboard shows the detection delay of the completion',
    await page.locator('[data-pool="wan2.7-i2v"] .figure', { hasText: 'detection delay' }).innerText().then((t) => /\d s/.test(t)));
  check('the dashboard draws its charts', await page.locator('svg.chart').count() >= 10
    && await page.locator('svg.chart rect.bar-completed').count() >= 1);
  await page.locator('.task video').first().scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: SHOT, fullPage: true });
  check('screenshot taken', true, SHOT);

  // ------------------------------------------------------------ a running task cannot be cancelled; delete works
  await running.locator('button.act', { hasText: 'Cancel' }).click();
  await running.locator('.action-error', { hasText: 'task_running' }).waitFor();
  check('Cancel on a running task shows the API\'s refusal in the list', true);
  await task.locator('button.act', { hasText: 'Delete' }).click();
  await task.waitFor({ state: 'detached' });
  check('Delete removes a finished task, and the API no longer has it', (await api(`/v1/videos/${video.id}`)).status === 404);

  // ------------------------------------------------------------ the keyboard, and 360 px
  await page.focus('#prompt');
  let reached = false;
  for (let i = 0; i < 60 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.id === 'create');
  }
  check('the keyboard reaches the Create button from the prompt', reached);
  await page.setViewportSize({ width: 360, height: 780 });
  await page.waitForTimeout(300);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check('at 360 px nothing scrolls sideways', width <= 360, `scrollWidth ${width}`);
  await page.screenshot({ path: SHOT.replace(/\.png$/, '-360.png'), fullPage: true });

  // ------------------------------------------------------------ no secret anywhere but the Authorization header
  const html = await page.content();
  check('the key is not in the page', !html.includes(KEY));
  const leaked = requests.filter((r) => r.url().includes(KEY));
  check('the key is in no URL the page requested', leaked.length === 0, leaked.map((r) => r.url()).join(' '));
  const elsewhere = [];
  for (const r of requests) {
    const headers = await r.allHeaders();
    if (new URL(r.url()).origin !== BASE && headers.authorization) elsewhere.push(r.url());
  }
  check('the key is sent to no other origin (the video links get none)', elsewhere.length === 0, elsewhere.join(' '));
  check('the page called only its own origin and the video links',
    requests.every((r) => r.url().startsWith(BASE) || r.resourceType() === 'media'),
    requests.filter((r) => !r.url().startsWith(BASE)).map((r) => `${r.resourceType()} ${r.url()}`).join(' '));
  const violations = await page.evaluate(() => window.policyViolations);
  check('nothing on the page broke its Content-Security-Policy', violations.length === 0, violations.join(' | '));
  // The browser logs each refused call (the three 400s above) as a failed load. A refresh of a task already on its
  // way when the test cancelled or deleted that task is answered 404 (the page then drops it): that is the API
  // telling the truth, not the page failing. Anything else is the page's fault.
  const failedLoad = (m, status) => m.text.startsWith(`Failed to load resource: the server responded with a status of ${status}`);
  const gone = [waitingId, video.id].map((id) => `${BASE}/v1/videos/${id}`);
  const refusedCalls = consoleErrors.filter((m) => failedLoad(m, 400));
  const unexpected = consoleErrors.filter((m) => !failedLoad(m, 400) && !(failedLoad(m, 404) && gone.includes(m.url)));
  check('no console errors but the three refused calls', unexpected.length === 0 && refusedCalls.length === 3,
    consoleErrors.map((m) => `${m.text} (${m.url})`).join(' | '));
} catch (e) {
  check('the run finished', false, e.stack || String(e));
  try {
    await page.screenshot({ path: SHOT.replace(/\.png$/, '-failure.png'), fullPage: true });
  } catch { /* the browser is gone */ }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`${failures === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failures === 0 ? 0 : 1);
