// A webhook receiver that verifies with the OpenAI SDK's own client.webhooks.unwrap, as a tenant would.
// Run by hand through WebhookOpenAiSdkCheckTest (see there); not part of the build.
//
//   node openai-unwrap-receiver.mjs <directory where `npm install openai` was run>
//   environment: WEBHOOK_SECRET=whsec_...
//
// Listens on 127.0.0.1 (a free port), prints {"port":...,"openai":"<sdk version>"} as its first line, answers
// 200 {"verified":true,"event":...} or 400 {"verified":false,"error":...}, and exits when its stdin closes.
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';

const sdkDirectory = path.resolve(process.argv[2] ?? '.');
const require = createRequire(path.join(sdkDirectory, 'package.json'));
const { OpenAI } = require('openai');
const { VERSION } = require('openai/version');
const secret = process.env.WEBHOOK_SECRET;
if (!secret) {
  console.error('set WEBHOOK_SECRET');
  process.exit(2);
}
const client = new OpenAI({ apiKey: 'not-used-for-webhooks' });

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', async () => {
    const body = Buffer.concat(chunks).toString('utf8');
    let status = 200;
    let answer;
    try {
      answer = { verified: true, event: await client.webhooks.unwrap(body, request.headers, secret) };
    } catch (error) {
      status = 400;
      answer = { verified: false, error: String(error.message ?? error) };
    }
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer));
  });
});

server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port, openai: VERSION }));
});
process.stdin.on('end', () => server.close(() => process.exit(0)));
process.stdin.resume();
