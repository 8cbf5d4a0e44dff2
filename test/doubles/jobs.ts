import { createServer, type IncomingMessage, type Server } from 'node:http';

export type JobsBehaviour = 'ok' | 'empty' | '429' | '500' | 'malformed' | 'slow';

/**
 * Local stand-ins for the Bundesagentur für Arbeit Jobsuche API and JobTech JobSearch,
 * answering with their documented response shapes (or with the failure a test asks for).
 */
export async function startJobsDouble() {
  const requests: { path: string; query: Record<string, string>; headers: IncomingMessage['headers'] }[] = [];
  let behaviour: JobsBehaviour = 'ok';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers });
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    };
    if (behaviour === 'slow') return void setTimeout(() => send(200, '{"stellenangebote":[],"hits":[]}'), 6000);
    if (behaviour === '429') return send(429, '{"message":"Too Many Requests"}');
    if (behaviour === '500') return send(500, '{"message":"Internal Server Error"}');
    if (behaviour === 'malformed') return send(200, '{"stellenangebote": [ {"titel": ');
    if (url.pathname === '/jobboerse/jobsuche-service/pc/v4/jobs') {
      const stellenangebote =
        behaviour === 'empty'
          ? []
          : [
              {
                beruf: 'Koch/Köchin',
                titel: 'Koch (m/w/d) in Vollzeit',
                refnr: '10000-1198765432-S',
                arbeitgeber: 'Gasthaus am Dom GmbH',
                aktuelleVeroeffentlichungsdatum: '2026-11-20',
                modifikationsTimestamp: '2026-11-20T09:12:00.000',
                eintrittsdatum: '2026-12-01',
                arbeitsort: { plz: '06618', ort: 'Naumburg (Saale)', region: 'Sachsen-Anhalt', land: 'Deutschland', koordinaten: { lat: 51.15, lon: 11.81 } },
              },
              {
                beruf: 'Koch/Köchin',
                titel: 'Jungkoch / Beikoch (m/w/d)',
                refnr: '10000-1198765999-S',
                arbeitgeber: 'Hotel Saaleblick',
                aktuelleVeroeffentlichungsdatum: '2026-11-18',
                arbeitsort: { plz: '06667', ort: 'Weißenfels', region: 'Sachsen-Anhalt', land: 'Deutschland' },
              },
            ];
      return send(200, JSON.stringify({ stellenangebote, maxErgebnisse: String(stellenangebote.length), page: 1, size: 5, facetten: {} }));
    }
    if (url.pathname === '/search') {
      const hits =
        behaviour === 'empty'
          ? []
          : [
              {
                id: '30012345',
                headline: 'Kock till restaurang i centrala Linköping',
                employer: { name: 'Restaurang Ågatan AB', organization_number: '5560000000' },
                workplace_address: { municipality: 'Linköping', municipality_concept_id: 'bm2x_1mr_Qh7', region: 'Östergötlands län', city: 'Linköping' },
                publication_date: '2026-11-21T08:00:00',
                webpage_url: 'https://arbetsformedlingen.se/platsbanken/annonser/30012345',
              },
            ];
      return send(200, JSON.stringify({ total: { value: hits.length }, positions: hits.length, query_time_in_millis: 3, result_time_in_millis: 4, hits }));
    }
    send(404, '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    requests,
    set(next: JobsBehaviour) {
      behaviour = next;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
