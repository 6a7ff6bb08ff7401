// webhook-receiver.mjs: receives the gateway's video.completed / video.failed events, verified by the openai SDK.
import http from 'node:http';
import OpenAI from 'openai';

/** An HTTP server that hands each event whose signature verifies to onEvent(event, webhookId); 400 for others. */
export function webhookReceiver(secret, onEvent) {
  // unwrap needs only the tenant's whsec_... secret; the API key is never used here.
  const client = new OpenAI({ apiKey: 'unused', webhookSecret: secret });
  return http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', async () => {
      let event;
      try {
        // The exact bytes received: the signature covers them, not a re-serialized object.
        event = await client.webhooks.unwrap(Buffer.concat(chunks).toString('utf8'), request.headers);
      } catch (error) {
        response.writeHead(400).end(`signature not verified: ${error.message}`);
        return;
      }
      try {
        // webhook-id is the same on every attempt of one event: use it to skip a repeat.
        await onEvent(event, request.headers['webhook-id']);
        response.writeHead(200).end(); // any 2xx: delivered, never sent again
      } catch (error) {
        response.writeHead(500).end(); // anything else: the gateway tries again later
      }
    });
  });
}
