// webhook-receiver.mjs: receives the gateway's video.completed / video.failed events, verified by the openai SDK.
import http from 'node:http';
import OpenAI from 'openai';

/** An HTTP server that hands each event whose signature verifies to onEvent(event, webhookId); 400 for others. */
export function webhookReceiver(secret, onEvent) {
  const client = new OpenAI({ apiKey: 'unused', webhookSecret: secret }); // unwrap uses only the whsec_... secret
  return http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk)).on('end', async () => {
      let event;
      try { // the exact bytes received: the signature covers them, not a re-serialized object
        event = await client.webhooks.unwrap(Buffer.concat(chunks).toString('utf8'), request.headers);
      } catch (error) {
        return response.writeHead(400).end(`signature not verified: ${error.message}`);
      }
      try { // webhook-id is the same on every attempt of one event: use it to skip one already handled
        await onEvent(event, request.headers['webhook-id']);
        response.writeHead(200).end(); // any 2xx: delivered, never sent again
      } catch {
        response.writeHead(500).end(); // anything else: the gateway tries again later
      }
    });
  });
}
