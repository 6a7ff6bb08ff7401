// The real `openai` npm SDK (the version package-lock.json pins) against a running gateway, as a user would
// call it. Run by OpenAiSdkEndToEndIT, which starts ./run-local and then checks every HTTP response recorded
// here against the OpenAPI document.
//
// Environment: BASE_URL (http://127.0.0.1:<port>/v1), API_KEY, FRAME_PNG (an image to upload), OUT (where to
// write the record: {sdk_version, steps: [{name, ok, error}], exchanges: [{step, request, status, headers, body}]}),
// WEBHOOK_API_KEY (another tenant's key, whose tasks ask for webhooks) and WEBHOOK_SECRET (the LOCAL_WEBHOOK_SECRET
// the gateway signs with). The webhook steps run webhook-receiver.mjs, the receiver README.md shows.
// Exits 1 when a step failed; every step runs even when an earlier one failed, and says which.
import fs from 'node:fs';
import assert from 'node:assert/strict';
import OpenAI, { toFile, AuthenticationError, BadRequestError, ConflictError, NotFoundError } from 'openai';
import { VERSION as SDK_VERSION } from 'openai/version';
import { webhookReceiver } from './webhook-receiver.mjs';

const { BASE_URL, API_KEY, FRAME_PNG, OUT, WEBHOOK_API_KEY, WEBHOOK_SECRET } = process.env;
// Node 18 (Debian 12's nodejs) has File only in node:buffer; the SDK's toFile needs it global, as Node 20 has it.
globalThis.File ??= (await import('node:buffer')).File;
// Likewise webhooks.unwrap needs the global crypto (WebCrypto), which Node 18 has only as node:crypto's webcrypto.
globalThis.crypto ??= (await import('node:crypto')).webcrypto;

const exchanges = [];
const steps = [];
let current = 'setup';

/** What the SDK sent and received, bodies as text (binary ones as their length and first bytes). */
async function record(request, response) {
  const bytes = Buffer.from(await response.clone().arrayBuffer());
  const type = response.headers.get('content-type') ?? '';
  const textual = /json|^text\//.test(type);
  exchanges.push({
    step: current,
    request,
    status: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body: textual ? bytes.toString('utf8') : bytes.length === 0 ? null : undefined,
    body_bytes: bytes.length,
    body_head_base64: textual ? undefined : bytes.subarray(0, 16).toString('base64'),
  });
}

/**
 * The SDK's fetch: Node's own, recording every response, redirects included. fetch would follow a redirect
 * without showing it, so it is followed here as fetch does (GET, no Authorization to another origin) and both
 * answers are recorded.
 */
async function recordingFetch(url, init = {}) {
  let target = String(url);
  if (!/^https?:/.test(target)) {
    // The SDK probes the runtime's FormData support with fetch('data:,'): no HTTP, nothing to record.
    return fetch(url, init);
  }
  const headers = new Headers(init.headers);
  let request = { method: init.method ?? 'GET', url: target, headers: Object.fromEntries(headers.entries()) };
  let response = await fetch(url, { ...init, redirect: 'manual' });
  await record(request, response);
  for (let hops = 0; [301, 302, 303, 307, 308].includes(response.status) && hops < 5; hops++) {
    const location = new URL(response.headers.get('location'), target).toString();
    if (new URL(location).origin !== new URL(target).origin) {
      headers.delete('authorization');
    }
    target = location;
    request = { method: 'GET', url: target, headers: Object.fromEntries(headers.entries()) };
    response = await fetch(target, { method: 'GET', headers, redirect: 'manual', signal: init.signal });
    await record(request, response);
  }
  return response;
}

// No retries: every call is exactly one exchange, and a 409 or 5xx shows as what it is.
const client = new OpenAI({ apiKey: API_KEY, baseURL: BASE_URL, fetch: recordingFetch, maxRetries: 0, timeout: 30_000 });
// The webhook tasks belong to another tenant, so that the listing steps below see only their own five tasks.
const hooks = new OpenAI({ apiKey: WEBHOOK_API_KEY, baseURL: BASE_URL, fetch: recordingFetch, maxRetries: 0, timeout: 30_000 });

// The receiver the gateway delivers to, on a free loopback port. verified: what it handed on, in order.
// deliveries: every request the gateway made, by webhook-id, with its bytes and the receiver's answer (counted
// before verification; the script's own re-posts carry x-e2e-resent and are left out).
const verified = [];
const deliveries = new Map();
const receiver = webhookReceiver(WEBHOOK_SECRET, (event, webhookId) => {
  verified.push({ event, webhookId });
});
receiver.on('request', (request, response) => {
  if (request.headers['x-e2e-resent']) {
    return;
  }
  const delivery = { headers: request.headers, chunks: [], status: null };
  const id = request.headers['webhook-id'] ?? '(none)';
  deliveries.set(id, [...(deliveries.get(id) ?? []), delivery]);
  request.on('data', (chunk) => delivery.chunks.push(chunk));
  response.on('finish', () => { delivery.status = response.statusCode; });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const webhookUrl = `http://127.0.0.1:${receiver.address().port}/wan-events`;

async function step(name, body) {
  current = name;
  try {
    await body();
    steps.push({ name, ok: true });
  } catch (e) {
    // The message, and where in this script it failed (the SDK's own frames say nothing about the gateway).
    const here = (e?.stack ?? '').split('\n').find((line) => line.includes('openai-sdk-e2e.mjs')) ?? '';
    steps.push({ name, ok: false, error: `${e?.constructor?.name}: ${e?.message} ${here.trim()}` });
  }
}

/** Runs call, which must fail with the SDK's errorClass; returns the error. */
async function refused(errorClass, call) {
  try {
    await call();
  } catch (e) {
    assert.ok(e instanceof errorClass, `expected ${errorClass.name}, got ${e?.constructor?.name}: ${e?.message}`);
    return e;
  }
  assert.fail(`expected ${errorClass.name}, but the call succeeded`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(id, predicate, what, seconds, as = client) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const video = await as.videos.retrieve(id);
    if (predicate(video)) {
      return video;
    }
    assert.ok(Date.now() < deadline, `${id} not ${what} within ${seconds} s; last seen: ${JSON.stringify(video)}`);
    await sleep(250);
  }
}

const created = {};
const hooked = {};

await step('models.list', async () => {
  const ids = [];
  for await (const model of client.models.list()) {
    assert.equal(model.object, 'model');
    ids.push(model.id);
  }
  assert.deepEqual(ids.filter((id) => id.startsWith('wan2.7-')).sort(), ['wan2.7-i2v', 'wan2.7-i2v-2026-04-25', 'wan2.7-r2v']);
});

await step('models.retrieve', async () => {
  const model = await client.models.retrieve('wan2.7-r2v');
  assert.equal(model.id, 'wan2.7-r2v');
  assert.equal(model.family, 'r2v');
  const missing = await refused(NotFoundError, () => client.models.retrieve('sora-2'));
  assert.equal(missing.status, 404);
});

await step('a wrong key is AuthenticationError', async () => {
  const stranger = new OpenAI({ apiKey: 'sk-not-a-key', baseURL: BASE_URL, fetch: recordingFetch, maxRetries: 0 });
  const e = await refused(AuthenticationError, () => stranger.videos.list());
  assert.equal(e.code, 'invalid_api_key');
});

// Created early: their events arrive while the steps below run, which then give a late second delivery time to show.
await step('videos.create with webhook_url: one task to complete, one to fail upstream', async () => {
  const media = [{ type: 'reference_image', url: 'https://example.com/waving.png' }];
  const completing = await hooks.videos.create({ model: 'wan2.7-r2v', prompt: 'Image 1 waves', seconds: '2', size: '720P',
    media, webhook_url: webhookUrl });
  assert.equal(completing.status, 'queued');
  hooked.completed = completing.id;
  // The simulator's prompt directive: DashScope ends the task FAILED with this code (README, "Run it locally").
  const failing = await hooks.videos.create({ model: 'wan2.7-r2v', prompt: 'sim:fail=DataInspectionFailed Image 1 waves',
    seconds: '2', size: '720P', media, webhook_url: webhookUrl });
  assert.equal(failing.status, 'queued');
  hooked.failed = failing.id;
});

await step('videos.create r2v, Wan fields as extra body fields', async () => {
  const video = await client.videos.create({
    model: 'wan2.7-r2v', prompt: 'Image 1 dances', seconds: '4', size: '720P',
    media: [{ type: 'reference_image', url: 'https://example.com/dancer.png' }],
    ratio: '9:16', seed: 42, prompt_extend: false, watermark: false,
  });
  assert.equal(video.object, 'video');
  assert.equal(video.status, 'queued');
  assert.equal(video.model, 'wan2.7-r2v');
  assert.equal(video.seconds, '4');
  assert.equal(video.size, '720P');
  assert.equal(video.ratio, '9:16');
  assert.equal(video.task_id, video.id);
  created.r2v = video.id;
});

await step('videos.create i2v, input_reference an uploaded PNG', async () => {
  const png = fs.readFileSync(FRAME_PNG);
  const video = await client.videos.create({
    model: 'wan2.7-i2v', prompt: 'The portrait smiles', seconds: '3', size: '1280x720',
    input_reference: await toFile(png, 'frame.png', { type: 'image/png' }),
  });
  assert.equal(video.status, 'queued');
  assert.equal(video.model, 'wan2.7-i2v');
  assert.equal(video.size, '1280x720');
  assert.equal(video.ratio, null);
  created.i2v = video.id;
});

await step('videos.create with an Idempotency-Key: replayed, then reused with another body', async () => {
  const key = `e2e-${process.pid}-${Date.now()}`;
  const body = { model: 'wan2.7-i2v', seconds: '2', input_reference: { image_url: 'https://example.com/portrait.png' } };
  const first = await client.videos.create(body, { headers: { 'Idempotency-Key': key } }).withResponse();
  assert.equal(first.response.headers.get('idempotent-replayed'), null);
  const again = await client.videos.create(body, { headers: { 'Idempotency-Key': key } }).withResponse();
  assert.equal(again.response.headers.get('idempotent-replayed'), 'true');
  assert.equal(again.data.id, first.data.id);
  const reused = await refused(ConflictError, () =>
    client.videos.create({ ...body, seconds: '3' }, { headers: { 'Idempotency-Key': key } }));
  assert.equal(reused.code, 'idempotency_key_reused');
  created.idempotent = first.data.id;
});

await step("the SDK's idempotencyKey option sends no header (openai-node sets no idempotency header)", async () => {
  const before = exchanges.length;
  const video = await client.videos.create({ model: 'wan2.7-i2v', seconds: '2', input_reference: 'https://example.com/p.png' },
    { idempotencyKey: 'e2e-option' });
  const sent = exchanges.slice(before).find((x) => x.request.method === 'POST');
  assert.equal(sent.request.headers['idempotency-key'], undefined);
  created.optionKey = video.id;
});

await step('downloadContent before completion is NotFoundError video_not_ready', async () => {
  const video = await client.videos.create({
    model: 'wan2.7-r2v', prompt: 'sim:run=60 Image 1 waits',
    media: [{ type: 'reference_image', url: 'https://example.com/waiting.png' }],
  });
  created.long = video.id;
  const e = await refused(NotFoundError, () => client.videos.downloadContent(video.id));
  assert.equal(e.code, 'video_not_ready');
});

await step('delete of a task running upstream is BadRequestError task_running', async () => {
  assert.ok(created.long, 'needs the long task');
  await until(created.long, (v) => v.status === 'in_progress', 'in_progress', 30);
  const e = await refused(BadRequestError, () => client.videos.delete(created.long));
  assert.equal(e.code, 'task_running');
});

await step('retrieve until completed', async () => {
  for (const id of [created.r2v, created.i2v, created.idempotent, created.optionKey]) {
    assert.ok(id, 'needs the tasks created above');
    const video = await until(id, (v) => v.status === 'completed' || v.status === 'failed', 'finished', 60);
    assert.equal(video.status, 'completed', JSON.stringify(video));
    assert.equal(video.progress, 100);
    assert.ok(video.video_url, 'video_url');
    assert.equal(video.metadata.url, video.video_url);
    assert.ok(video.completed_at >= video.created_at);
    assert.ok(video.expires_at > video.completed_at);
    assert.ok(video.usage.output_video_seconds > 0, JSON.stringify(video.usage));
  }
});

/** The verified event about task id, if any. */
const eventAbout = (id) => verified.find((v) => v.event?.data?.id === id);

await step('webhooks: video.completed and video.failed arrive, each verified by webhooks.unwrap', async () => {
  assert.ok(hooked.completed && hooked.failed, 'needs the two tasks created with webhook_url');
  const deadline = Date.now() + 60_000;
  while (!eventAbout(hooked.completed) || !eventAbout(hooked.failed)) {
    const answered = [...deliveries.entries()].map(([id, ds]) => `${id}: ${ds.map((d) => d.status).join(',')}`);
    assert.ok(Date.now() < deadline, `both events not verified within 60 s; deliveries (webhook-id: answers): `
      + `${answered.join('; ') || 'none'}; verified: ${JSON.stringify(verified.map((v) => v.event.type))}`);
    await sleep(100);
  }
  for (const [id, type, status] of [[hooked.completed, 'video.completed', 'completed'], [hooked.failed, 'video.failed', 'failed']]) {
    const { event, webhookId } = eventAbout(id);
    assert.equal(event.type, type);
    assert.equal(event.object, 'event');
    assert.equal(event.id, webhookId, 'the event id is the webhook-id header');
    assert.ok(Number.isInteger(event.created_at), JSON.stringify(event));
    assert.equal(event.data.id, id);
    assert.equal(event.data.object, 'video');
    assert.equal(event.data.status, status);
  }
  assert.ok(eventAbout(hooked.completed).event.data.video_url, 'the completed event carries video_url');
  assert.equal(eventAbout(hooked.failed).event.data.error.code, 'DataInspectionFailed');
  assert.equal(verified.length, 2, `only the two events: ${JSON.stringify(verified.map((v) => v.webhookId))}`);
});

await step('webhooks: a tampered body or signature fails webhooks.unwrap (400); the same bytes unchanged verify', async () => {
  const { webhookId } = eventAbout(hooked.completed) ?? assert.fail('needs the video.completed event');
  const delivered = deliveries.get(webhookId)[0];
  const body = Buffer.concat(delivered.chunks).toString('utf8');
  const headers = { 'content-type': 'application/json', 'x-e2e-resent': 'yes' };
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    headers[name] = delivered.headers[name];
  }
  const tampered = body.replace('"status":"completed"', '"status":"failed"');
  assert.notEqual(tampered, body);
  // One base64 character of the signature changed: still well-formed, no longer the HMAC of these bytes.
  const signature = headers['webhook-signature'];
  const forged = signature.replace(/^v1,(.)/, (_, first) => `v1,${first === 'A' ? 'B' : 'A'}`);
  assert.notEqual(forged, signature);
  const before = verified.length;
  for (const [what, request] of [['tampered body', { headers, body: tampered }],
    ['tampered signature', { headers: { ...headers, 'webhook-signature': forged }, body }]]) {
    const refusal = await fetch(webhookUrl, { method: 'POST', ...request });
    assert.equal(refusal.status, 400, what);
    assert.match(await refusal.text(), /signature/, what);
    assert.equal(verified.length, before, `the event with a ${what} was handed on`);
  }
  // Within the five minutes unwrap allows, a replay verifies: hence de-duplication by webhook-id.
  const replay = await fetch(webhookUrl, { method: 'POST', headers, body });
  assert.equal(replay.status, 200, await replay.text());
  assert.equal(verified.length, before + 1);
  assert.equal(verified.at(-1).webhookId, webhookId);
});

await step('webhooks: retrieve shows each delivered on the first attempt', async () => {
  for (const id of [hooked.completed, hooked.failed]) {
    assert.ok(id, 'needs the two tasks created with webhook_url');
    // The delivery is recorded on the task just after the receiver's 200.
    const video = await until(id, (v) => v.webhook && v.webhook.status !== 'pending', 'past webhook pending', 30, hooks);
    assert.deepEqual(video.webhook, { status: 'delivered', attempts: 1, last_http_status: 200 });
  }
});

await step('videos.list pages with limit and after', async () => {
  const ids = Object.values(created);
  assert.equal(ids.length, 5, 'needs the five tasks created above');
  const first = await client.videos.list({ limit: 2 });
  assert.equal(first.data.length, 2);
  assert.equal(first.has_more, true);
  assert.ok(first.hasNextPage());
  const second = await first.getNextPage();
  assert.equal(second.data.length, 2);
  const seen = [];
  for await (const video of client.videos.list({ limit: 2 })) {
    seen.push(video);
  }
  assert.deepEqual(seen.map((v) => v.id).sort(), [...ids].sort());
  assert.deepEqual(seen.slice(0, 4).map((v) => v.id), [...first.data, ...second.data].map((v) => v.id));
  const created_at = seen.map((v) => v.created_at);
  assert.deepEqual(created_at, [...created_at].sort((a, b) => b - a), 'newest first');
  const ascending = await client.videos.list({ limit: 100, order: 'asc' });
  assert.deepEqual(ascending.data.map((v) => v.id), seen.map((v) => v.id).reverse());
  assert.equal(ascending.has_more, false);
});

await step('downloadContent is the MP4', async () => {
  assert.ok(created.r2v, 'needs the r2v task');
  const response = await client.videos.downloadContent(created.r2v);
  const bytes = Buffer.from(await response.arrayBuffer());
  assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp');
  const e = await refused(BadRequestError, () => client.videos.downloadContent(created.r2v, { variant: 'thumbnail' }));
  assert.equal(e.param, 'variant');
});

await step('delete, then retrieve is NotFoundError', async () => {
  assert.ok(created.i2v, 'needs the i2v task');
  const deleted = await client.videos.delete(created.i2v);
  assert.deepEqual(deleted, { id: created.i2v, object: 'video.deleted', deleted: true });
  const e = await refused(NotFoundError, () => client.videos.retrieve(created.i2v));
  assert.equal(e.status, 404);
  await refused(NotFoundError, () => client.videos.delete(created.i2v));
});

await step('a bad model is BadRequestError', async () => {
  const e = await refused(BadRequestError, () => client.videos.create({ model: 'sora-2', prompt: 'A calico cat playing a piano', seconds: '4' }));
  assert.equal(e.param, 'model');
  assert.equal(e.code, 'invalid_value');
});

await step("OpenAI's operations Wan does not offer are BadRequestError unsupported_operation", async () => {
  const video = toFile(Buffer.from('not really a video'), 'clip.mp4', { type: 'video/mp4' });
  const calls = {
    remix: () => client.videos.remix(created.r2v ?? 'video_x', { prompt: 'now at night' }),
    edit: async () => client.videos.edit({ prompt: 'now at night', video: await video }),
    extend: async () => client.videos.extend({ prompt: 'and then', seconds: '4', video: { id: created.r2v ?? 'video_x' } }),
    createCharacter: async () => client.videos.createCharacter({ name: 'Mia', video: await video }),
    getCharacter: () => client.videos.getCharacter('char_123'),
  };
  for (const [name, call] of Object.entries(calls)) {
    const e = await refused(BadRequestError, call);
    assert.equal(e.code, 'unsupported_operation', name);
  }
});

await step('the OpenAPI document is served', async () => {
  const document = await client.get('/openapi.json');
  assert.equal(document.openapi, '3.0.3');
  assert.ok(document.paths['/v1/videos']);
});

// Last, so that a second delivery of an acknowledged event has had the whole run to show.
await step('webhooks: no acknowledged event was delivered twice', async () => {
  const counts = Object.fromEntries([...deliveries.entries()].map(([id, ds]) => [id, ds.map((d) => d.status)]));
  assert.deepEqual(Object.keys(counts).sort(), [eventAbout(hooked.completed)?.webhookId, eventAbout(hooked.failed)?.webhookId].sort(),
    `deliveries by webhook-id: ${JSON.stringify(counts)}`);
  for (const [id, answers] of Object.entries(counts)) {
    assert.deepEqual(answers, [200], `deliveries of ${id}, the receiver's answers`);
  }
});

fs.writeFileSync(OUT, JSON.stringify({ sdk_version: SDK_VERSION, steps, exchanges }, null, 1));
for (const s of steps) {
  console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.name}${s.ok ? '' : '\n     ' + s.error.replaceAll('\n', '\n     ')}`);
}
const failed = steps.filter((s) => !s.ok).length;
console.log(`openai ${SDK_VERSION}: ${steps.length - failed} steps passed, ${failed} failed, ${exchanges.length} responses recorded`);
process.exit(failed === 0 ? 0 : 1);
