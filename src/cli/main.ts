import { createInterface } from 'node:readline/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createAssistant } from '../app.js';
import { loadConfig } from '../config/index.js';
import { newConversationState } from '../engine/types.js';
import { ConfigError, KnowledgeError, ServiceError } from '../errors.js';
import { coverage, REQUIRED_TOPICS } from '../knowledge/index.js';
import { askOnce, readEvalFile, scoreEval, type EvalDetail } from './eval.js';
import type { ChannelFactory } from '../server/index.js';
import { benchQuestions } from './bench.js';

const HELP: Record<string, string> = {
  main: `milestone – the MILEstone assistant

Usage: milestone <command> [options]

Commands:
  serve                       run every configured channel (what \`npm start\` runs)
  chat   [--region R] [--role migrant|employer] [--lang L]   chat with the engine in the terminal
  ask    "text" --region R [--role migrant|employer] [--json]  one answer
  index                       build the retrieval index from knowledge/ into DATA_DIR
  eval   --file F [--json] [--details]                       run an eval file, print metrics
  bench  [--json]             measure engine latency, index build, start time, memory
  qr     <region-id> [--out DIR] [--bot USERNAME]           the region's Telegram deep-link QR code (PNG and SVG)
  teams-package [--out FILE]  the Teams app zip (manifest + icons) for sideloading, bot id from MICROSOFT_APP_ID
  retention --dry-run|--apply run the retention rules now (close idle conversations, delete expired messages)
  gaps   --region R [--days N] [--json]                   questions that found no good answer, grouped
  jobs   "<occupation>" --region R [--json]               live vacancies from the region's public employment service

Every command takes --help. Configuration comes from the environment (see README.md).`,
  serve: 'milestone serve\n\nRuns the HTTP server (web chat on http://localhost:PORT/, /healthz) and every configured channel.',
  chat: 'milestone chat [--region R] [--role migrant|employer] [--lang L]\n\nA terminal conversation with the engine. Without --region the onboarding asks.',
  ask: 'milestone ask "text" --region R [--role migrant|employer] [--json]\n\nAnswers one question as a new conversation in region R (role defaults to migrant).',
  index: 'milestone index\n\nBuilds the retrieval index from knowledge/ into DATA_DIR and reports, per region, documents, languages and passages.',
  eval: 'milestone eval --file F [--json] [--details]\n\nRuns a JSON Lines eval file through the engine. --json prints the metrics as one JSON object on the last line; --details first prints one JSON line per item.',
  qr: 'milestone qr <region-id> [--out DIR] [--bot USERNAME]\n\nWrites <region-id>-telegram.png and .svg (default folder: ./qr) for https://t.me/<bot>?start=<region-id>. The bot username comes from --bot, or from the Bot API (getMe) when TELEGRAM_BOT_TOKEN is set.',
  'teams-package': 'milestone teams-package [--out FILE]\n\nWrites the Teams app zip (default milestone-teams.zip): manifest.json with MICROSOFT_APP_ID as bot and app id, and the icons. Upload it in Teams (Apps > Manage your apps > Upload an app).',
  retention: 'milestone retention --dry-run|--apply\n\nRuns the retention rules of regions.yaml now: conversations idle longer than idle_close_days (default 30) are closed; messages of conversations closed longer than delete_closed_after_days (default 90) ago are deleted. --dry-run only counts.',
  gaps: 'milestone gaps --region R [--days N] [--json]\n\nThe questions of region R that found no good answer in the last N days (default 7), grouped by topic: the weekly knowledge-gap report for staff.',
  jobs: 'milestone jobs "<occupation>" --region R [--json]\n\nOne live search in the region\'s job source (Bundesagentur für Arbeit for burgenlandkreis, JobTech for linkoping). --json prints {"jobs": [{"title","employer","place","date","url"}], "source", "fallback"}.',
  bench: 'milestone bench [--json]\n\nMeasures engine latency per message (offline, all regions loaded, a mixed multilingual stream), index build time, start time, memory. --json prints them as the last line.',
};

/** Runs the command line; returns the exit code. `channels` are the chat channels `serve` may start. */
export async function main(argv: string[], options: { channels?: ChannelFactory[] } = {}): Promise<number> {
  const [command = 'help', ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      json: { type: 'boolean' },
      details: { type: 'boolean' },
      region: { type: 'string' },
      role: { type: 'string' },
      lang: { type: 'string' },
      file: { type: 'string' },
      count: { type: 'string' },
      out: { type: 'string' },
      days: { type: 'string' },
      'dry-run': { type: 'boolean' },
      apply: { type: 'boolean' },
      bot: { type: 'string' },
    },
    strict: false,
  });
  if (command === 'help' || command === '--help' || command === '-h') {
    console.log(HELP.main);
    return 0;
  }
  if (!HELP[command]) {
    console.error(`milestone: unknown command "${command}". Run milestone --help.`);
    return 2;
  }
  if (values.help) {
    console.log(HELP[command]);
    return 0;
  }
  try {
    const config = loadConfig();
    const role = values.role === 'employer' ? 'employer' : 'migrant';
    if (values.role !== undefined && values.role !== 'migrant' && values.role !== 'employer') {
      console.error('milestone: --role must be migrant or employer');
      return 2;
    }
    switch (command) {
      case 'serve': {
        const { startServer } = await import('../server/index.js');
        const running = await startServer(config, { channels: options.channels });
        return await new Promise<number>((resolve) => {
          const stop = () => void running.close().then(() => resolve(0));
          process.once('SIGTERM', stop);
          process.once('SIGINT', stop);
        });
      }
      case 'index': {
        const started = performance.now();
        const assistant = await createAssistant(config);
        const { knowledge } = assistant;
        console.log(
          `index: ${knowledge.documents.length} documents, ${knowledge.passages.length} passages, ${assistant.retriever.unitCount} search units; ` +
            (assistant.indexBuildMs === undefined ? 'unchanged, loaded' : `built in ${Math.round(assistant.indexBuildMs)} ms`) +
            ` (${Math.round(performance.now() - started)} ms in all), in ${config.indexDir}`,
        );
        for (const region of knowledge.regions.values()) {
          const scopes = new Set([region.id, region.country, 'eu']);
          const docs = knowledge.documents.filter((d) => scopes.has(d.scope));
          const passages = knowledge.passages.filter((p) => scopes.has(p.scope)).length;
          const langs = [...new Set(docs.map((d) => d.lang))].sort();
          const covered = coverage(knowledge, region.id);
          const missing = REQUIRED_TOPICS.flatMap((topic) =>
            ['en', region.languages[0]!].filter((lang) => !covered.get(topic)?.has(lang)).map((lang) => `${topic}:${lang}`),
          );
          console.log(
            `  ${region.id.padEnd(20)} ${String(new Set(docs.map((d) => d.id)).size).padStart(3)} documents  ${String(passages).padStart(4)} passages  languages ${langs.join(' ')}` +
              (missing.length ? `  MISSING ${missing.join(' ')}` : ''),
          );
        }
        return 0;
      }
      case 'ask': {
        const question = positionals.join(' ').trim();
        const regionId = typeof values.region === 'string' ? values.region : '';
        if (!question || !regionId) {
          console.error('milestone ask: give the question and --region. ' + HELP.ask);
          return 2;
        }
        const assistant = await createAssistant(config);
        if (!assistant.knowledge.regions.has(regionId)) {
          console.error(`milestone ask: unknown region "${regionId}"; one of ${[...assistant.knowledge.regions.keys()].join(', ')}`);
          return 2;
        }
        const result = await askOnce(assistant.engine, question, regionId, role, typeof values.lang === 'string' ? values.lang : undefined);
        if (values.json) {
          const { confidence } = result;
          console.log(
            JSON.stringify({
              answer: result.text,
              lang: result.lang,
              found: result.found,
              citations: result.citations,
              escalate: result.escalate,
              reason: result.reason,
              confidence,
            }),
          );
        } else {
          console.log(result.text);
        }
        return 0;
      }
      case 'chat':
        return await chat(config, values.region as string | undefined, values.role as string | undefined, values.lang as string | undefined);
      case 'eval': {
        if (typeof values.file !== 'string') {
          console.error('milestone eval: --file is required. ' + HELP.eval);
          return 2;
        }
        const items = readEvalFile(values.file);
        const assistant = await createAssistant(config);
        const details: EvalDetail[] = [];
        for (const item of items) {
          const outcome = await askOnce(assistant.engine, item.question, item.region, item.role);
          const { text: _text, confidence: _confidence, ...rest } = outcome;
          const detail: EvalDetail = { ...rest, id: item.id };
          details.push(detail);
          if (values.details) console.log(JSON.stringify(detail));
        }
        const metrics = scoreEval(items, details);
        if (values.json) {
          console.log(JSON.stringify(metrics));
        } else {
          const { by_lang, ...overall } = metrics;
          for (const [key, value] of Object.entries(overall)) console.log(`${key.padEnd(22)} ${value}`);
          console.log('by language:');
          for (const [lang, m] of Object.entries(by_lang)) {
            console.log(`  ${lang.padEnd(3)} n=${m.n} hit@3=${m.source_hit_at_3} mention=${m.must_mention_rate} reply_lang=${m.reply_lang_rate} esc_recall=${m.escalation_recall}`);
          }
        }
        return 0;
      }
      case 'qr': {
        const regionId = positionals[0] ?? '';
        const { loadKnowledge } = await import('../knowledge/index.js');
        const regions = loadKnowledge(config.knowledgeDir).regions;
        if (!regions.has(regionId)) {
          console.error(`milestone qr: give a region id: ${[...regions.keys()].join(', ')}`);
          return 2;
        }
        const { botUsername, writeRegionQr } = await import('./qr.js');
        let username = typeof values.bot === 'string' ? values.bot.replace(/^@/, '') : undefined;
        if (!username && config.telegram) username = await botUsername(config.telegram);
        if (!username) {
          console.error('milestone qr: set TELEGRAM_BOT_TOKEN or pass --bot USERNAME');
          return 2;
        }
        const written = await writeRegionQr(username, regionId, path.resolve(typeof values.out === 'string' ? values.out : 'qr'));
        console.log(`${written.url}\n${written.png}\n${written.svg}`);
        return 0;
      }
      case 'retention': {
        if (Boolean(values['dry-run']) === Boolean(values.apply)) {
          console.error('milestone retention: give exactly one of --dry-run or --apply');
          return 2;
        }
        const { Store } = await import('../store/index.js');
        const { loadKnowledge } = await import('../knowledge/index.js');
        const { runRetention } = await import('../privacy/retention.js');
        const store = await Store.open(config);
        const reports = await runRetention(store, loadKnowledge(config.knowledgeDir), { apply: Boolean(values.apply) });
        await store.close();
        for (const r of reports) {
          console.log(`${r.regionId.padEnd(20)} ${values.apply ? 'closed' : 'would close'} ${r.closed}, ${values.apply ? 'purged' : 'would purge'} ${r.purgedConversations} conversations (${r.purgedMessages} messages)`);
        }
        return 0;
      }
      case 'gaps': {
        const regionId = typeof values.region === 'string' ? values.region : '';
        const { Store } = await import('../store/index.js');
        const { loadKnowledge } = await import('../knowledge/index.js');
        const { ConceptMatcher } = await import('../retrieval/index.js');
        const { knowledgeGaps } = await import('../reports/gaps.js');
        const knowledge = loadKnowledge(config.knowledgeDir);
        if (!knowledge.regions.has(regionId)) {
          console.error(`milestone gaps: give --region, one of ${[...knowledge.regions.keys()].join(', ')}`);
          return 2;
        }
        const days = Number(values.days ?? 7);
        const store = await Store.open(config);
        const groups = await knowledgeGaps(store, new ConceptMatcher(knowledge.concepts), regionId, Date.now() - days * 86_400_000);
        await store.close();
        if (values.json) console.log(JSON.stringify({ region: regionId, days, groups }));
        else {
          console.log(`Questions without a good answer in ${regionId}, last ${days} days: ${groups.reduce((n, g) => n + g.count, 0)}`);
          for (const g of groups) console.log(`${String(g.count).padStart(4)}  ${g.topic}  [${g.languages.join(' ')}]\n      e.g. ${g.examples.join(' | ')}`);
        }
        return 0;
      }
      case 'jobs': {
        const query = positionals.join(' ').trim();
        const { loadKnowledge } = await import('../knowledge/index.js');
        const { createJobSearch, OccupationFinder } = await import('../jobs/index.js');
        const knowledge = loadKnowledge(config.knowledgeDir, { cacheDir: config.indexDir });
        const region = knowledge.regions.get(typeof values.region === 'string' ? values.region : '');
        if (!query || !region) {
          console.error(`milestone jobs: give the occupation and --region, one of ${[...knowledge.regions.keys()].join(', ')}`);
          return 2;
        }
        if (!region.jobs) {
          console.error(`milestone jobs: ${region.id} has no live job source yet; its documents list the job portals`);
          return 2;
        }
        const finder = new OccupationFinder(config.knowledgeDir);
        const occupation = finder.find(query);
        const term = occupation ? finder.searchTerm(occupation, region.country) : query;
        const search = createJobSearch(config.jobs);
        const result = await search.search(term, { ...region.jobs, place: region.jobs.place ?? region.towns[0] });
        if (values.json) console.log(JSON.stringify(result));
        else {
          console.log(`${result.source}: "${term}"${result.fallback ? ' — live listings are not available now' : ''}`);
          for (const job of result.jobs) console.log(`• ${job.title} – ${job.employer}, ${job.place} (${job.date})\n  ${job.url}`);
        }
        return 0;
      }
      case 'teams-package': {
        if (!config.teams.appId) {
          console.error('milestone teams-package: set MICROSOFT_APP_ID (the bot\'s app id) first');
          return 2;
        }
        const { writeTeamsPackage } = await import('./teams-package.js');
        console.log(writeTeamsPackage(config.teams.appId, path.resolve(typeof values.out === 'string' ? values.out : 'milestone-teams.zip')));
        return 0;
      }
      case 'bench':
        return await bench(config, Boolean(values.json), Number(values.count ?? 600));
    }
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof KnowledgeError || error instanceof ServiceError) {
      console.error(`milestone: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

async function chat(config: ReturnType<typeof loadConfig>, region?: string, role?: string, lang?: string): Promise<number> {
  const assistant = await createAssistant(config);
  let state = newConversationState();
  if (region && assistant.knowledge.regions.has(region)) state.regionId = region;
  if (role === 'migrant' || role === 'employer') state.role = role;
  if (lang && assistant.i18n.has(lang)) Object.assign(state, { lang, langChosen: true });
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  console.log('Type a message (Ctrl-D to quit).');
  for await (const line of rl) {
    const result = await assistant.engine.handle({ channel: 'cli', userId: 'terminal', kind: 'text', text: line }, state);
    state = result.state;
    for (const reply of result.replies) {
      console.log(`\n${reply.text}`);
      if (reply.choices?.length) console.log(reply.choices.map((c, i) => `  [${i + 1}] ${c.label}`).join('\n'));
    }
    if (result.escalation) console.log(`\n(escalated: ${result.escalation.reason})`);
    console.log('');
  }
  return 0;
}

async function bench(config: ReturnType<typeof loadConfig>, json: boolean, count: number): Promise<number> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'milestone-bench-'));
  try {
    // The index is built by a child process, so that this one holds only the loaded assistant
    // and rss_mb is what a running server needs.
    const { execFileSync } = await import('node:child_process');
    const output = execFileSync(process.execPath, [path.resolve(import.meta.dirname, '../../bin/milestone.js'), 'index'], {
      env: { ...process.env, DATA_DIR: scratch, INDEX_DIR: scratch, KNOWLEDGE_DIR: config.knowledgeDir },
      encoding: 'utf8',
    });
    const indexBuildMs = Number(/built in (\d+) ms/.exec(output)?.[1] ?? NaN);
    const started = performance.now();
    const assistant = await createAssistant({ ...config, dataDir: scratch, indexDir: scratch });
    const startMs = performance.now() - started;
    const stream = benchQuestions(assistant.knowledge, count);
    // Warm-up: the first messages compile regular expressions and fill caches once.
    for (const item of stream.slice(0, 100)) await askOnce(assistant.engine, item.text, item.regionId, item.role);
    const times: number[] = [];
    for (const item of stream) times.push((await askOnce(assistant.engine, item.text, item.regionId, item.role)).ms);
    times.sort((a, b) => a - b);
    const at = (p: number) => Math.round(times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)]! * 100) / 100;
    const result = {
      messages: times.length,
      p50_ms: at(50),
      p95_ms: at(95),
      p99_ms: at(99),
      index_build_ms: indexBuildMs,
      start_ms: Math.round(startMs),
      rss_mb: Math.round(process.memoryUsage().rss / 1048576),
      passages: assistant.knowledge.passages.length,
    };
    if (!json) for (const [key, value] of Object.entries(result)) console.log(`${key.padEnd(16)} ${value}`);
    console.log(JSON.stringify(result));
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
