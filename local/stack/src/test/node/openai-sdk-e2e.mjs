// The real `openai` npm SDK (the version package-lock.json pins) against a running gateway, as a user would
// call it. Run by OpenAiSdkEndToEndIT, which starts ./run-local and then checks every HTTP response recorded
// here against the OpenAPI document.
//
// Environment: BASE_URL (http://127.0.0.1:<port>/v1), API_KEY, FRAME_PNG (an image to upload), OUT (where to
// write the record: {sdk_version, steps: [{name, ok, error}], exchanges: [{step, request, status, headers, body}]}).
// Exits 1 when a step failed; every step runs even when an earlier one failed, and says which.
import fs from 'node:fs';
import assert from 'node:assert/strict';
import OpenAI, { toFile, AuthenticationError, BadRequestError, ConflictError, NotFoundError } from 'openai';
import { VERSION as SDK_VERSION } from 'openai/version';

const { BASE_URL, API_KEY, FRAME_PNG, OUT } = process.env;
// Node 18 (Debian 12's nodejs) has File only in node:buffer; the SDK's toFile needs it global, as Node 20 has it.
globalThis.File ??= (await import('node:buffer')).File;

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

async function until(id, predicate, what, seconds) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const video = await client.videos.retrieve(id);
    if (predicate(video)) {
      return video;
    }
    assert.ok(Date.now() < deadline, `${id} not ${what} within ${seconds} s; last seen: ${JSON.stringify(video)}`);
    await sleep(250);
  }
}

const created = {};

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

fs.writeFileSync(OUT, JSON.stringify({ sdk_version: SDK_VERSION, steps, exchanges }, null, 1));
for (const s of steps) {
  console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.name}${s.ok ? '' : '\n     ' + s.error.replaceAll('\n', '\n     ')}`);
}
const failed = steps.filter((s) => !s.ok).length;
console.log(`openai ${SDK_VERSION}: ${steps.length - failed} steps passed, ${failed} failed, ${exchanges.length} responses recorded`);
process.exit(failed === 0 ? 0 : 1);
