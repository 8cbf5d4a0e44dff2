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
