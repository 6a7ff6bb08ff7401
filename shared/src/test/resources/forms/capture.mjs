// Captures what the real `openai` SDK sends for client.videos.create: one request per scenario,
// written as <name>.form (the body bytes) and <name>.content-type (the header).
import http from 'node:http';
import fs from 'node:fs';
import OpenAI, { toFile } from 'openai';

const out = process.argv[2];
const captured = [];
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    captured.push({ url: req.url, method: req.method, headers: req.headers, body: Buffer.concat(chunks) });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: 'video_x', object: 'video', status: 'queued' }));
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const port = server.address().port;
const client = new OpenAI({ apiKey: 'sk-local-dev-key', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });

const png = fs.readFileSync('frame.png');
const jpg = fs.readFileSync('frame.jpg');
const scenarios = {
  // SDK-typed fields only, OpenAI values: the model is not one of ours.
  'openai-sora': async () => ({ model: 'sora-2', prompt: 'A calico cat playing a piano on stage', seconds: '4', size: '1280x720' }),
  // r2v with media as an extra body field, and every scalar kind: booleans, a number, a newline and an emoji.
  'r2v-media': async () => ({
    model: 'wan2.7-r2v', prompt: 'Image 1 walks through a night market \u{1F3AE}\nmoving like Video 1', seconds: '5', size: '720P',
    media: [
      { type: 'reference_image', url: 'https://example.com/character.png', reference_voice: 'https://example.com/voice.mp3' },
      { type: 'reference_video', url: 'https://example.com/walk.mp4' },
    ],
    ratio: '9:16', negative_prompt: 'blurry', prompt_extend: false, watermark: true, seed: 42,
  }),
  // i2v with an uploaded image as a media item's url, and seconds as a JS number.
  'i2v-media-upload': async () => ({
    model: 'wan2.7-i2v', prompt: 'The portrait turns and speaks', seconds: 8,
    media: [
      { type: 'first_frame', url: await toFile(png, 'frame.png', { type: 'image/png' }) },
      { type: 'driving_audio', url: 'https://example.com/hello.mp3' },
    ],
  }),
  // OpenAI's input_reference as a file; toFile without a type, so the part's type says nothing useful.
  'i2v-input-reference-file': async () => ({
    model: 'wan2.7-i2v', prompt: 'The portrait smiles', seconds: '4', input_reference: await toFile(jpg, 'frame.jpg'),
  }),
  // A file stream (fs.createReadStream): the SDK encodes the form itself, streaming, with its own boundary.
  'i2v-input-reference-stream': async () => ({
    model: 'wan2.7-i2v', seconds: '4', input_reference: fs.createReadStream('frame.png'),
  }),
  // OpenAI's input_reference as an object with an image URL.
  'i2v-input-reference-url': async () => ({
    model: 'wan2.7-i2v', prompt: 'The portrait smiles', size: '1280x720', input_reference: { image_url: 'https://example.com/portrait.png' },
  }),
  // Seed 001's flat r2v form: an array of strings, and duration as a number.
  'r2v-flat': async () => ({
    model: 'wan2.7-r2v', prompt: 'Image 1 and Image 2 wave',
    reference_image: ['https://example.com/a.png', 'https://example.com/b.png'], reference_voice: 'https://example.com/voice.mp3',
    resolution: '720P', duration: 5,
  }),
};

for (const [name, body] of Object.entries(scenarios)) {
  captured.length = 0;
  await client.videos.create(await body());
  const req = captured[0];
  if (captured.length !== 1 || req.method !== 'POST' || req.url !== '/v1/videos') throw new Error(`${name}: unexpected ${captured.length} ${req?.method} ${req?.url}`);
  fs.writeFileSync(`${out}/${name}.form`, req.body);
  fs.writeFileSync(`${out}/${name}.content-type`, req.headers['content-type'] + '\n');
  console.log(name, req.headers['content-type'], req.body.length, 'bytes');
}
server.close();
