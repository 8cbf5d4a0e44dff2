import { createServer, type Server } from 'node:http';

/**
 * A local stand-in for an OpenAI-compatible server: POST /v1/embeddings answers with
 * deterministic vectors (letter counts), so the real openai client code runs.
 */
export async function startEmbeddingsDouble(options: { fail?: boolean } = {}): Promise<{ url: string; requests: unknown[]; close(): Promise<void> }> {
  const requests: unknown[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input: string[] | string; model: string };
      requests.push({ path: req.url, body, auth: req.headers.authorization });
      if (options.fail) {
        res.writeHead(500, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: { message: 'boom', type: 'server_error' } }));
      }
      const inputs = Array.isArray(body.input) ? body.input : [body.input];
      const data = inputs.map((text, index) => {
        const vector = new Array(26).fill(0.01);
        for (const ch of text.toLowerCase()) {
          const code = ch.charCodeAt(0) - 97;
          if (code >= 0 && code < 26) vector[code] += 1;
        }
        return { object: 'embedding', index, embedding: vector };
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data, model: body.model, usage: { prompt_tokens: 1, total_tokens: 1 } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/v1`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ChatRequest {
  model: string;
  stream?: boolean;
  messages: { role: string; content: string }[];
}

/** What the scripted model does with one request. */
export type ChatBehaviour =
  | { content: string; delayMs?: number }
  | { stream: string[] }
  | { status: number; body?: unknown }
  | { malformed: true };

/**
 * A local OpenAI-compatible chat-completions server (/v1/chat/completions, plain and
 * streaming) whose replies a test scripts, request by request.
 */
export async function startChatDouble(script: (request: ChatRequest) => ChatBehaviour) {
  const requests: ChatRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
      requests.push(request);
      const behaviour = script(request);
      const send = () => {
        if ('malformed' in behaviour) {
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end('{"choices": [ {"mess');
        }
        if ('status' in behaviour) {
          res.writeHead(behaviour.status, { 'content-type': 'application/json' });
          return res.end(JSON.stringify(behaviour.body ?? { error: { message: 'scripted failure', type: 'server_error' } }));
        }
        if ('stream' in behaviour) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          behaviour.stream.forEach((piece, i) =>
            res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: request.model, choices: [{ index: 0, delta: i === 0 ? { role: 'assistant', content: piece } : { content: piece }, finish_reason: null }] })}\n\n`),
          );
          res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: request.model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
          return res.end('data: [DONE]\n\n');
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'c1',
            object: 'chat.completion',
            created: 1,
            model: request.model,
            choices: [{ index: 0, message: { role: 'assistant', content: behaviour.content }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
          }),
        );
      };
      const delay = 'delayMs' in behaviour ? (behaviour.delayMs ?? 0) : 0;
      if (delay) setTimeout(send, delay);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The numbered passages the answer prompt gave the model. */
export function passagesOf(request: ChatRequest): string[] {
  const system = request.messages.find((m) => m.role === 'system')?.content ?? '';
  return [...system.matchAll(/^\[(\d+)\] (.*)$/gm)].map((m) => m[2]!);
}
