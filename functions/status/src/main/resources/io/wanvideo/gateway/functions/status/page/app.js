// The playground and dashboard of the Wan 2.7 video gateway: plain DOM code over the public API, no framework.
// The API key lives in this tab's session storage and leaves it only in the Authorization header of calls to this
// origin. Nothing here writes HTML from strings: every node is built, every text set as text (the page's policy
// enforces Trusted Types, so an HTML sink would throw).

const KEY_ITEM = 'wan-gateway-api-key';
const POLL_MS = 1000;
const STATS_MS = 5000;
const SAMPLES = 120;
const IMAGE_TYPES = 'image/jpeg,image/png,image/bmp,image/webp';
const IMAGE_MEDIA = new Set(['reference_image', 'first_frame', 'last_frame']);
const LABELS = {
  reference_image: 'Reference image', reference_video: 'Reference video', first_frame: 'First frame',
  last_frame: 'Last frame', driving_audio: 'Driving audio', first_clip: 'First clip',
};
// The contract's i2v sets (GET /v1/models gives the same; this is the fallback until it answers).
let combinations = [['first_frame'], ['first_frame', 'driving_audio'], ['first_frame', 'last_frame'],
  ['first_frame', 'last_frame', 'driving_audio'], ['first_clip'], ['first_clip', 'last_frame']];
let models = {};

const $ = (id) => document.getElementById(id);
const tasks = new Map();
const samples = { tenant: [], pools: {} };
let statsTimer = null;
let pollTimer = null;
let lastStats = null;
let slotCounter = 0;

// ---------------------------------------------------------------- small DOM helpers

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

function ago(seconds) {
  if (seconds < 60) return `${Math.max(0, Math.floor(seconds))} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.floor(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

function notice(text, kind = 'info') {
  const n = $('notice');
  n.textContent = text || '';
  n.dataset.kind = kind;
}

// ---------------------------------------------------------------- the key and the API

function apiKey() {
  return sessionStorage.getItem(KEY_ITEM);
}

class ApiFailure extends Error {
  constructor(status, error) {
    super(error?.message || `HTTP ${status}`);
    this.status = status;
    this.error = error || {};
  }
}

async function api(path, options = {}) {
  const key = apiKey();
  if (!key) throw new ApiFailure(401, { message: 'Enter an API key first.', code: 'invalid_api_key' });
  const headers = { Authorization: `Bearer ${key}`, ...(options.headers || {}) };
  const response = await fetch(path, {
    ...options, headers, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer', redirect: 'error',
  });
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!response.ok) {
    if (response.status === 401) forgetKey('The API refused the key: ' + (body?.error?.message || 'unauthorised') + ' Enter another.');
    throw new ApiFailure(response.status, body?.error);
  }
  return body;
}

function useKey(key) {
  sessionStorage.setItem(KEY_ITEM, key);
  start();
}

function forgetKey(message) {
  sessionStorage.removeItem(KEY_ITEM);
  clearInterval(statsTimer);
  clearInterval(pollTimer);
  statsTimer = pollTimer = null;
  tasks.clear();
  $('task-list').replaceChildren();
  $('tenant-stats').replaceChildren();
  $('pool-stats').replaceChildren();
  $('tasks-empty').hidden = false;
  $('key-form').hidden = false;
  $('key-status').hidden = true;
  $('app').classList.add('locked');
  notice(message || 'Key forgotten.', message ? 'error' : 'info');
  $('api-key').focus();
}

async function start() {
  $('key-form').hidden = true;
  $('key-status').hidden = false;
  $('who').textContent = 'Checking the key…';
  let stats;
  try {
    stats = await api('/v1/stats');
  } catch (e) {
    if (e.status !== 401) notice(`Could not reach the gateway: ${e.message}`, 'error');
    return;
  }
  $('app').classList.remove('locked');
  $('who').textContent = `Tenant ${stats.tenant.id}${stats.tenant.operator ? ' (operator)' : ''}`;
  notice('');
  renderStats(stats);
  loadModels();
  loadTasks();
  statsTimer = setInterval(refreshStats, STATS_MS);
  pollTimer = setInterval(pollTasks, POLL_MS);
}

// ---------------------------------------------------------------- the form: media slots per model

function family() {
  return $('model').value.startsWith('wan2.7-r2v') ? 'r2v' : 'i2v';
}

/** A media input: a URL, or for images an uploaded file; r2v references also pick their type and a voice. */
function mediaSlot(type, { choosable = false, removable = false } = {}) {
  const n = ++slotCounter;
  const slot = el('li', { class: 'slot', 'data-type': type });
  const title = el('span', { class: 'slot-title', id: `slot-${n}-title`, text: LABELS[type] });
  const typeSelect = choosable ? el('select', { 'aria-label': `Type of reference ${n}`, class: 'slot-type' },
    el('option', { value: 'reference_image', text: 'Reference image' }),
    el('option', { value: 'reference_video', text: 'Reference video' })) : null;
  const urlInput = el('input', { type: 'url', class: 'slot-url', placeholder: 'https://…', 'aria-labelledby': `slot-${n}-title slot-${n}-url` });
  const urlLabel = el('span', { id: `slot-${n}-url`, class: 'visually-hidden', text: 'URL' });
  const fileInput = el('input', { type: 'file', class: 'slot-file', accept: IMAGE_TYPES, 'aria-labelledby': `slot-${n}-title slot-${n}-file`, hidden: true });
  const fileLabel = el('span', { id: `slot-${n}-file`, class: 'visually-hidden', text: 'file' });
  const byUrl = el('input', { type: 'radio', name: `source-${n}`, id: `source-${n}-url`, value: 'url', checked: true });
  const byFile = el('input', { type: 'radio', name: `source-${n}`, id: `source-${n}-file`, value: 'file', class: 'by-file' });
  const source = el('div', { class: 'source', role: 'radiogroup', 'aria-labelledby': `slot-${n}-title` },
    byUrl, el('label', { for: `source-${n}-url`, text: 'URL' }),
    byFile, el('label', { for: `source-${n}-file`, text: 'Upload' }));
  const voice = choosable ? el('input', { type: 'url', class: 'slot-voice', placeholder: 'voice audio URL (optional)', 'aria-label': `Voice of reference ${n} (optional)` }) : null;
  const showSource = () => {
    const image = IMAGE_MEDIA.has(slot.dataset.type);
    source.hidden = !image;
    const upload = image && byFile.checked;
    urlInput.hidden = upload;
    fileInput.hidden = !upload;
  };
  byUrl.addEventListener('change', showSource);
  byFile.addEventListener('change', showSource);
  if (typeSelect) {
    typeSelect.value = type;
    typeSelect.addEventListener('change', () => {
      slot.dataset.type = typeSelect.value;
      title.textContent = LABELS[typeSelect.value];
      showSource();
    });
  }
  const remove = removable ? el('button', { type: 'button', class: 'remove', text: 'Remove', 'aria-label': `Remove reference ${n}`,
    onclick: () => { slot.remove(); renumber(); } }) : null;
  slot.append(el('div', { class: 'slot-head' }, title, typeSelect, remove), source,
    el('div', { class: 'slot-input' }, urlLabel, urlInput, fileLabel, fileInput), voice);
  slot.item = () => {
    const upload = IMAGE_MEDIA.has(slot.dataset.type) && byFile.checked;
    return {
      type: slot.dataset.type,
      url: upload ? null : urlInput.value.trim(),
      file: upload ? fileInput.files[0] || null : null,
      voice: voice && voice.value.trim() ? voice.value.trim() : null,
      fields: { url: upload ? fileInput : urlInput, reference_voice: voice, type: typeSelect || urlInput },
    };
  };
  showSource();
  return slot;
}

function renumber() {
  const refs = [...$('references').children];
  $('add-reference').disabled = refs.length >= 5;
  refs.forEach((r) => r.querySelector('.remove') && (r.querySelector('.remove').hidden = refs.length <= 1));
}

function showMediaFor() {
  const r2v = family() === 'r2v';
  $('r2v-media').hidden = !r2v;
  $('i2v-media').hidden = r2v;
  $('ratio-field').hidden = !r2v;
  $('prompt-need').textContent = r2v ? 'required' : 'optional';
  const m = models[$('model').value];
  if (m?.seconds) {
    $('seconds').min = m.seconds.min;
    $('seconds').max = m.seconds.max;
  }
}

function fillCombinations() {
  const select = $('combination');
  const chosen = select.value;
  select.replaceChildren(...combinations.map((set, i) => el('option', { value: String(i), text: set.map((t) => LABELS[t] || t).join(' + ') })));
  if (chosen && Number(chosen) < combinations.length) select.value = chosen;
  showI2vSlots();
}

function showI2vSlots() {
  const set = combinations[Number($('combination').value) || 0] || [];
  const shown = [...$('i2v-slots').children].map((slot) => slot.dataset.type);
  // The model list arrives after the page is usable: when it names the same inputs, what was already entered stays.
  if (shown.length === set.length && shown.every((type, i) => type === set[i])) return;
  $('i2v-slots').replaceChildren(...set.map((type) => mediaSlot(type)));
}

async function loadModels() {
  try {
    const list = await api('/v1/models');
    models = Object.fromEntries(list.data.map((m) => [m.id, m]));
    const i2v = list.data.find((m) => m.family === 'i2v' && m.media?.combinations);
    if (i2v) {
      combinations = i2v.media.combinations;
      fillCombinations();
    }
    showMediaFor();
  } catch (e) {
    // The built-in sets stand in.
  }
}

// ---------------------------------------------------------------- submitting, and the API's refusals

function clearErrors() {
  $('form-error').hidden = true;
  $('form-error').textContent = '';
  document.querySelectorAll('.field-error').forEach((p) => p.remove());
  document.querySelectorAll('[aria-invalid]').forEach((f) => {
    f.removeAttribute('aria-invalid');
    const described = (f.getAttribute('aria-describedby') || '').split(' ').filter((id) => !id.startsWith('error-')).join(' ');
    if (described) f.setAttribute('aria-describedby', described); else f.removeAttribute('aria-describedby');
  });
}

/** Puts the API's error next to the field its `param` names, or above the form when no field matches. */
function showError(error, items) {
  const param = error.param || '';
  let field = null;
  const media = /^media\[(\d+)\](?:\.(\w+))?$/.exec(param);
  if (media && items[Number(media[1])]) {
    const fields = items[Number(media[1])].fields;
    field = fields[media[2] || 'url'] || fields.url;
  } else if (param) {
    field = document.querySelector(`[data-param="${CSS.escape(param.replace(/\[.*$/, ''))}"]`);
  }
  const text = `${error.message || 'The request was refused.'}${error.code ? ` (${error.code})` : ''}`;
  if (!field) {
    $('form-error').textContent = text;
    $('form-error').hidden = false;
    $('form-error').focus?.();
    return;
  }
  const id = `error-${Math.random().toString(36).slice(2)}`;
  const p = el('p', { class: 'field-error', id, 'data-error-for': param, text });
  const container = field.closest('.slot, .field, fieldset') || field.parentElement;
  container.append(p);
  field.setAttribute('aria-invalid', 'true');
  field.setAttribute('aria-describedby', `${field.getAttribute('aria-describedby') || ''} ${id}`.trim());
  if (field.hidden || field.tagName === 'FIELDSET') container.scrollIntoView({ block: 'center' });
  else field.focus();
}

function collectMedia() {
  if (family() === 'r2v') {
    const slots = [...$('references').children];
    if ($('with-first-frame').checked) slots.push(...$('r2v-first-frame').children);
    return slots.map((s) => s.item());
  }
  return [...$('i2v-slots').children].map((s) => s.item());
}

async function create(event) {
  event.preventDefault();
  clearErrors();
  const items = collectMedia();
  // A form, as the OpenAI SDKs send one: every value a string, media flattened as media[][type], media[][url].
  const form = new FormData();
  const model = $('model').value;
  form.append('model', model);
  if ($('prompt').value.trim()) form.append('prompt', $('prompt').value);
  if ($('negative_prompt').value.trim()) form.append('negative_prompt', $('negative_prompt').value);
  for (const item of items) {
    form.append('media[][type]', item.type);
    if (item.file) form.append('media[][url]', item.file, item.file.name);
    else form.append('media[][url]', item.url || '');
    if (item.voice) form.append('media[][reference_voice]', item.voice);
  }
  form.append('size', $('size').value);
  if (family() === 'r2v') form.append('ratio', $('ratio').value);
  if ($('seconds').value !== '') form.append('seconds', $('seconds').value);
  if ($('seed').value !== '') form.append('seed', $('seed').value);
  form.append('prompt_extend', String($('prompt_extend').checked));
  form.append('watermark', String($('watermark').checked));
  const button = $('create');
  button.disabled = true;
  button.textContent = 'Submitting…';
  try {
    const video = await api('/v1/videos', { method: 'POST', body: form });
    upsertTask(video, true);
    notice(`Submitted ${video.id}.`);
  } catch (e) {
    if (e.status !== 401) showError(e.error?.message ? e.error : { message: e.message }, items);
  } finally {
    button.disabled = false;
    button.textContent = 'Create video';
  }
}

// ---------------------------------------------------------------- the task list

async function loadTasks() {
  try {
    const page = await api('/v1/videos?limit=20');
    for (const video of page.data.slice().reverse()) upsertTask(video, false);
  } catch (e) {
    if (e.status !== 401) notice(`Could not list your tasks: ${e.message}`, 'error');
  }
}

function finished(status) {
  return status === 'completed' || status === 'failed';
}

function upsertTask(video, isNew) {
  let entry = tasks.get(video.id);
  if (!entry) {
    entry = { node: taskNode(video), video };
    tasks.set(video.id, entry);
    $('task-list').prepend(entry.node);
    $('tasks-empty').hidden = true;
    if (isNew) entry.node.scrollIntoView({ block: 'nearest' });
  }
  entry.video = video;
  renderTask(entry);
}

function taskNode(video) {
  const id = video.id;
  const node = el('li', { class: 'task', 'data-id': id },
    el('div', { class: 'task-head' },
      el('span', { class: 'badge' }),
      el('code', { class: 'task-id', text: id }),
      el('span', { class: 'task-model', text: video.model }),
      el('span', { class: 'age' })),
    el('p', { class: 'task-prompt' }),
    el('div', { class: 'progress-row' },
      el('progress', { max: '100', value: '0', 'aria-label': `Progress of ${id}` }),
      el('span', { class: 'pct' })),
    el('p', { class: 'task-error', hidden: true }),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'act', onclick: () => removeTask(id) }),
      el('span', { class: 'action-error', role: 'status' })));
  return node;
}

function renderTask(entry) {
  const v = entry.video;
  const node = entry.node;
  node.dataset.status = v.status;
  node.querySelector('.badge').textContent = v.status.replace('_', ' ');
  node.querySelector('.task-prompt').textContent = v.prompt || '(no prompt)';
  node.querySelector('.task-prompt').hidden = !v.prompt;
  const progress = node.querySelector('progress');
  progress.value = v.progress || 0;
  node.querySelector('.pct').textContent = `${v.progress || 0}%`;
  const err = node.querySelector('.task-error');
  err.hidden = !v.error;
  err.textContent = v.error ? `${v.error.code}: ${v.error.message}` : '';
  const act = node.querySelector('.act');
  act.textContent = finished(v.status) ? 'Delete' : 'Cancel';
  act.setAttribute('aria-label', `${act.textContent} ${v.id}`);
  if (v.status === 'completed' && v.video_url && !node.querySelector('video')) {
    // The same short-lived link GET /v1/videos/{id}/content redirects to: a media element cannot send the key.
    const video = el('video', { controls: true, preload: 'metadata', playsinline: true, src: v.video_url,
      'aria-label': `Video of ${v.id}` });
    let retried = false;
    video.addEventListener('error', async () => {
      if (retried) return;
      retried = true;
      try {
        const fresh = await api(`/v1/videos/${encodeURIComponent(v.id)}`);
        if (fresh.video_url) video.src = fresh.video_url;
      } catch { /* shown by the list's next update */ }
    });
    node.querySelector('.progress-row').after(video);
  }
  tickAge(entry);
}

function tickAge(entry) {
  const v = entry.video;
  const end = v.completed_at || Date.now() / 1000;
  const since = Date.now() / 1000 - v.created_at;
  entry.node.querySelector('.age').textContent = finished(v.status)
    ? `took ${ago(end - v.created_at)}, ${ago(Date.now() / 1000 - end)} ago`
    : `submitted ${ago(since)} ago`;
}

let polling = false;
async function pollTasks() {
  for (const entry of tasks.values()) tickAge(entry);
  if (polling) return;
  polling = true;
  try {
    const open = [...tasks.values()].filter((e) => !finished(e.video.status));
    await Promise.all(open.map(async (entry) => {
      try {
        const video = await api(`/v1/videos/${encodeURIComponent(entry.video.id)}`);
        // Deleted or cancelled while this answer was on its way: it stays gone.
        if (tasks.has(video.id)) upsertTask(video, false);
      } catch (e) {
        if (e.status === 404) dropTask(entry.video.id);
      }
    }));
  } finally {
    polling = false;
  }
}

function dropTask(id) {
  const entry = tasks.get(id);
  if (!entry) return;
  entry.node.remove();
  tasks.delete(id);
  $('tasks-empty').hidden = tasks.size > 0;
}

async function removeTask(id) {
  const entry = tasks.get(id);
  const status = entry.node.querySelector('.action-error');
  status.textContent = '';
  try {
    await api(`/v1/videos/${encodeURIComponent(id)}`, { method: 'DELETE' });
    dropTask(id);
    notice(`${finished(entry.video.status) ? 'Deleted' : 'Cancelled and deleted'} ${id}.`);
  } catch (e) {
    if (e.status === 404) dropTask(id);
    else status.textContent = `${e.error?.code ? e.error.code + ': ' : ''}${e.message}`;
  }
}

// ---------------------------------------------------------------- the dashboard

async function refreshStats() {
  try {
    renderStats(await api('/v1/stats'));
  } catch (e) {
    if (e.status !== 401) $('stats-age').textContent = `(not updated: ${e.message})`;
  }
}

function keep(list, value) {
  list.push(value);
  if (list.length > SAMPLES) list.shift();
}

function figure(label, value, detail) {
  return el('div', { class: 'figure' }, el('span', { class: 'figure-value', text: String(value) }),
    el('span', { class: 'figure-label', text: label }), detail ? el('span', { class: 'figure-detail', text: detail }) : null);
}

/** Bars per minute: completed over failed, stacked. */
function minuteBars(completed, failed, label) {
  const n = completed.length;
  const max = Math.max(1, ...completed.map((c, i) => c + failed[i]));
  const chart = svg('svg', { viewBox: `0 0 ${n * 4} 40`, preserveAspectRatio: 'none', class: 'chart', role: 'img',
    'aria-label': `${label}: ${completed.reduce((a, b) => a + b, 0)} completed, ${failed.reduce((a, b) => a + b, 0)} failed in the last hour` });
  completed.forEach((c, i) => {
    const hc = (c / max) * 38;
    const hf = (failed[i] / max) * 38;
    if (c) chart.append(svg('rect', { x: i * 4 + 0.5, y: 40 - hc, width: 3, height: hc, class: 'bar-completed' }));
    if (failed[i]) chart.append(svg('rect', { x: i * 4 + 0.5, y: 40 - hc - hf, width: 3, height: hf, class: 'bar-failed' }));
  });
  return chartBox(label, chart, `max ${max}/min`, '60 min ago', 'now',
    [['bar-completed', 'completed'], ['bar-failed', 'failed']]);
}

/** A line over samples or minutes; nulls leave gaps. */
function line(values, label, unit, from, to, cls = 'line') {
  const n = Math.max(values.length, 2);
  const known = values.filter((v) => v !== null && v !== undefined);
  const max = Math.max(1, ...known);
  const chart = svg('svg', { viewBox: `0 0 ${(n - 1) * 4} 40`, preserveAspectRatio: 'none', class: 'chart', role: 'img',
    'aria-label': `${label}: ${known.length ? `latest ${known[known.length - 1]} ${unit}, highest ${Math.max(...known)} ${unit}` : 'no data yet'}` });
  let d = '';
  const has = (i) => i >= 0 && i < values.length && values[i] !== null && values[i] !== undefined;
  values.forEach((v, i) => {
    if (!has(i)) return;
    const x = i * 4;
    const y = (39 - (v / max) * 37).toFixed(1);
    if (has(i - 1)) d += `L${x},${y} `;
    // A point with no neighbour is drawn as a short dash, so a lone minute still shows.
    else if (!has(i + 1)) d += `M${Math.max(0, x - 2)},${y} L${x + (x === 0 ? 2 : 0)},${y} `;
    else d += `M${x},${y} `;
  });
  if (d) chart.append(svg('path', { d, class: cls, 'vector-effect': 'non-scaling-stroke' }));
  return chartBox(label, chart, `max ${Math.round(max * 100) / 100} ${unit}`, from, to);
}

function chartBox(label, chart, scale, from, to, legend = []) {
  return el('figure', { class: 'chart-box' },
    el('figcaption', {}, el('span', { text: label }), el('span', { class: 'scale', text: scale })),
    chart,
    el('div', { class: 'axis' }, el('span', { text: from }),
      legend.length ? el('span', { class: 'legend' }, legend.map(([cls, name]) => el('span', { class: `swatch ${cls}`, text: name }))) : null,
      el('span', { text: to })));
}

function renderStats(stats) {
  lastStats = stats;
  $('stats-age').textContent = `(updated ${new Date(stats.generated_at * 1000).toLocaleTimeString()})`;
  const t = stats.tenant;
  const waiting = t.models.reduce((a, m) => a + m.waiting, 0);
  const running = t.models.reduce((a, m) => a + m.slots_in_use, 0);
  keep(samples.tenant, { waiting, running });
  const own = el('div', { class: 'stat-group', 'data-scope': 'tenant' },
    el('h3', { text: `Your tasks (tenant ${t.id})` }),
    el('div', { class: 'figures' },
      figure('waiting', waiting, t.models.filter((m) => m.oldest_wait_seconds !== null)
        .map((m) => `oldest ${ago(m.oldest_wait_seconds)}`).join(', ') || null),
      figure('on upstream slots', running),
      figure('completed, last hour', t.completed_last_hour),
      figure('failed, last hour', t.failed_last_hour)),
    el('div', { class: 'charts' },
      minuteBars(t.completed_per_minute, t.failed_per_minute, 'Your ends per minute'),
      line(samples.tenant.map((s) => s.waiting + s.running), 'Your unfinished tasks (live)', 'tasks',
        `${Math.round(samples.tenant.length * STATS_MS / 1000)} s ago`, 'now')));
  $('tenant-stats').replaceChildren(own);

  if (!stats.pool) {
    $('pool-stats').replaceChildren(el('p', { class: 'help', text: 'The pool (slots, backlog, detection delay) is shown to an operator’s key.' }));
    return;
  }
  $('pool-stats').replaceChildren(...stats.pool.map((p) => {
    const kept = samples.pools[p.pool] || (samples.pools[p.pool] = []);
    keep(kept, { used: p.slots_in_use, waiting: p.waiting });
    const span = `${Math.round(kept.length * STATS_MS / 1000)} s ago`;
    const delay = p.detection_delay;
    return el('div', { class: 'stat-group', 'data-scope': 'pool', 'data-pool': p.pool },
      el('h3', { text: `Pool ${p.pool}` }, el('span', { class: 'hint', text: ` ${p.models.join(', ')}` })),
      el('div', { class: 'figures' },
        figure('slots in use', `${p.slots_in_use} / ${p.slots ?? '?'}`),
        figure('waiting', p.waiting, `${p.waiting_tenants} tenant${p.waiting_tenants === 1 ? '' : 's'}${p.oldest_wait_seconds !== null ? `, oldest ${ago(p.oldest_wait_seconds)}` : ''}${p.backlog_partial ? ' (first tenants only)' : ''}`),
        figure('completed, last hour', p.completed_last_hour),
        figure('failed, last hour', p.failed_last_hour),
        figure('detection delay', delay.mean_seconds === null ? '–' : `${delay.mean_seconds} s`,
          delay.count ? `mean of ${delay.count}; 95% ≤ ${delay.p95_at_most_seconds === null ? 'over 120' : delay.p95_at_most_seconds} s` : 'no ends yet')),
      el('ul', { class: 'accounts' }, p.accounts.map((a) => el('li', {},
        el('span', { class: 'account', text: `${a.account}${a.paused ? ' (paused)' : ''}` }),
        el('meter', { min: '0', max: String(a.slots), value: String(a.slots_in_use), 'aria-label': `Slots in use on ${a.account}` }),
        el('span', { text: `${a.slots_in_use} / ${a.slots}` })))),
      el('div', { class: 'charts' },
        line(kept.map((s) => s.used), 'Slots in use (live)', 'slots', span, 'now'),
        line(kept.map((s) => s.waiting), 'Backlog depth (live)', 'tasks', span, 'now', 'line line-backlog'),
        minuteBars(p.completed_per_minute, p.failed_per_minute, 'Ends per minute'),
        line(p.detection_delay_per_minute, 'Detection delay per minute', 's', '60 min ago', 'now', 'line line-delay')));
  }));
}

// ---------------------------------------------------------------- wiring

function init() {
  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('api-key');
    const key = input.value.trim();
    input.value = '';
    if (key) useKey(key);
  });
  $('forget-key').addEventListener('click', () => forgetKey());
  $('model').addEventListener('change', () => { clearErrors(); showMediaFor(); });
  $('combination').addEventListener('change', showI2vSlots);
  $('add-reference').addEventListener('click', () => {
    const slot = mediaSlot('reference_image', { choosable: true, removable: true });
    $('references').append(slot);
    renumber();
    slot.querySelector('select').focus();
  });
  $('with-first-frame').addEventListener('change', () => {
    $('r2v-first-frame').replaceChildren(...($('with-first-frame').checked ? [mediaSlot('first_frame')] : []));
  });
  $('create-form').addEventListener('submit', create);
  $('references').append(mediaSlot('reference_image', { choosable: true, removable: true }));
  renumber();
  fillCombinations();
  showMediaFor();
  if (apiKey()) start();
  else $('api-key').focus();
}

init();
