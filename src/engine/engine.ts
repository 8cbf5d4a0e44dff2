import type { Answerer } from '../answer/index.js';
import type { I18n, LanguageDetector, Translator } from '../i18n/index.js';
import { SUPPORTED_LANGUAGES } from '../i18n/index.js';
import type { EscalationReason, EscalationRule, Knowledge, Region, Role } from '../knowledge/types.js';
import type { JobSearch, OccupationFinder } from '../jobs/index.js';
import type { Retriever } from '../retrieval/index.js';
import { fold } from '../retrieval/index.js';
import { matchEscalation } from './escalation.js';
import { makeReply } from './format.js';
import type { ConversationState, EngineEvent, EngineResult, IncomingMessage, Reply } from './types.js';

/** Longer messages are refused with a clear answer rather than cut. */
export const MAX_MESSAGE_CHARS = 4000;
/** Answers in a row that found nothing before a person is brought in. */
const MISSES_BEFORE_PERSON = 3;
const RECENT_TURNS = 6;

export interface EngineParts {
  knowledge: Knowledge;
  retriever: Retriever;
  answerer: Answerer;
  i18n: I18n;
  detector: LanguageDetector;
  /** The time, for office hours; tests set it. */
  now?: () => Date;
  /** Rewrites a follow-up ("and for my wife?") as a standalone question (with an LLM). */
  condense?: (question: string, recent: ConversationState['recent']) => Promise<string>;
  /** Live vacancies for regions with a job connector. */
  jobs?: { finder: OccupationFinder; search: JobSearch };
}

/** Concepts that make a message naming an occupation a job search. */
const JOB_SEARCH_CONCEPTS = ['work', 'job_search', 'seasonal_work', 'employment_office'];

/**
 * The channel-agnostic core: one message and the conversation's state in, replies, the new
 * state and the decisions (handoff, data rights) out. It stores nothing itself.
 */
export class Engine {
  constructor(private readonly parts: EngineParts) {}

  /** A translator for a language (or English), for notes outside the engine's own turns. */
  translator(lang: string | undefined) {
    return this.parts.i18n.translator(lang ?? 'en');
  }

  /** Several short messages sent in a burst are answered once, together. */
  async handleBurst(messages: IncomingMessage[], state: ConversationState): Promise<EngineResult> {
    const texts = messages.filter((m) => m.kind === 'text' && m.text?.trim()).map((m) => m.text!.trim());
    const last = messages[messages.length - 1]!;
    if (texts.length <= 1 || texts.some((t) => t.startsWith('/'))) {
      let result: EngineResult | undefined;
      let current = state;
      const replies: Reply[] = [];
      const events: EngineEvent[] = [];
      for (const message of messages) {
        result = await this.handle(message, current);
        current = result.state;
        replies.push(...result.replies);
        events.push(...result.events);
      }
      return { ...result!, replies, events, state: current };
    }
    return this.handle({ ...last, kind: 'text', text: texts.join('\n') }, state);
  }

  async handle(message: IncomingMessage, previous: ConversationState): Promise<EngineResult> {
    const state: ConversationState = { ...previous, recent: [...previous.recent] };
    if (state.handoff === 'closed') state.handoff = 'bot';
    const text = (message.text ?? '').trim();
    const lang = this.languageOf(text, message, state);
    const tr = this.parts.i18n.translator(lang);
    const result = (replies: Reply[], extra: Partial<EngineResult> = {}): EngineResult => ({
      replies,
      state,
      events: [],
      lang: tr.lang,
      ...extra,
    });

    if (!state.role && message.roleHint) state.role = message.roleHint;
    if (message.choice) return this.handleChoice(message.choice, state, tr);
    if (message.kind === 'unsupported') {
      if (state.handoff !== 'bot') return result([], { events: [{ type: 'forward-to-staff' }] });
      return result([makeReply('notice', tr, [tr.t('input.unsupported')])]);
    }
    if (!text) return result([makeReply('notice', tr, [tr.t('input.empty')])]);
    if (text.length > MAX_MESSAGE_CHARS) {
      return result([makeReply('notice', tr, [tr.t('input.too_long', { max: MAX_MESSAGE_CHARS })])]);
    }
    if (text.startsWith('/')) return this.handleCommand(text, state, tr);

    const region = state.regionId ? this.parts.knowledge.regions.get(state.regionId) : undefined;
    // The language the user writes in is remembered first: staff and handoff notices use it too.
    if (!state.langChosen && tr.lang !== state.lang && /\p{L}{2}/u.test(text)) state.lang = tr.lang;
    const rule = matchEscalation(text, this.parts.knowledge.escalationRules);
    if (state.handoff === 'queued' || state.handoff === 'staff' || state.botSilenced) {
      // A person holds (or watches) the chat: the bot stays silent, except for urgent danger.
      const events: EngineEvent[] = [{ type: 'forward-to-staff' }];
      if (rule?.severity === 'urgent') {
        return result([this.escalationReply(rule.reason, tr, region)], {
          events,
          escalation: { reason: rule.reason, severity: 'urgent' },
        });
      }
      return result([], { events });
    }
    if (rule) return this.escalate(rule, state, tr, region);

    if (!region || !state.role) return this.onboard(text, state, tr);
    if (!/[\p{L}\p{N}]/u.test(text)) return result([makeReply('notice', tr, [tr.t('input.emoji_only')])]);
    return this.answer(text, state, tr, region, state.role, message.onPartial);
  }

  /** The reply language: the one the user chose, else the message's, else the last one used. */
  private languageOf(text: string, message: IncomingMessage, state: ConversationState): string {
    if (state.langChosen && state.lang) return state.lang;
    if (!text || text.startsWith('/') || !/\p{L}/u.test(text)) return state.lang ?? message.languageHint ?? 'en';
    const detection = this.parts.detector.detect(text, state.lang ?? message.languageHint);
    if (!detection.confident && state.lang && text.split(/\s+/).length < 3) return state.lang;
    return detection.lang;
  }

  private async answer(
    text: string,
    state: ConversationState,
    tr: Translator,
    region: Region,
    role: Role,
    onPartial?: (textSoFar: string) => void,
  ): Promise<EngineResult> {
    const { retriever, answerer, condense } = this.parts;
    const question = condense && state.recent.length ? await condense(text, state.recent).catch(() => text) : text;
    const search = await retriever.search(withoutPlaceNames(question, region), tr.lang, { scopes: [region.id, region.country, 'eu'], role });
    const answer = await answerer.answer({ question, lang: tr.lang, region, role, search, onPartial });
    remember(state, 'user', text);
    if (!answer.found) {
      state.misses += 1;
      const events: EngineEvent[] = [{ type: 'unanswered', question: text }];
      if (state.misses >= MISSES_BEFORE_PERSON) {
        state.misses = 0;
        state.handoff = 'queued';
        events.push({ type: 'escalate', reason: 'repeated_failure', severity: 'normal' });
        return {
          replies: [this.notFoundReply(tr, region), this.escalationReply('repeated_failure', tr, region)],
          state,
          events,
          lang: tr.lang,
          answer: { found: false, citations: [], confidence: answer.confidence },
          escalation: { reason: 'repeated_failure', severity: 'normal' },
        };
      }
      return {
        replies: [this.notFoundReply(tr, region)],
        state,
        events,
        lang: tr.lang,
        answer: { found: false, citations: [], confidence: answer.confidence },
      };
    }
    state.misses = 0;
    const body: string[] = [...(await this.liveJobs(question, search.queryConcepts, tr, region, role))];
    if (answer.passageLang !== tr.lang) body.push(tr.t('answer.in_other_language', { language: languageName(answer.passageLang, tr.lang) }));
    body.push(answer.sentences.join(' '));
    const office = this.contactOffice(region);
    const reply = makeReply('answer', tr, body, {
      citations: answer.citations,
      footer: [tr.t('answer.disclaimer', { office: office.name })],
      numbered: answer.numbered,
    });
    remember(state, 'bot', answer.sentences.join(' '));
    return {
      replies: [reply],
      state,
      events: [],
      lang: tr.lang,
      answer: { found: true, citations: answer.citations, confidence: answer.confidence, faithful: answer.faithful },
    };
  }

  /**
   * For a newcomer's job search naming an occupation, in a region with a job connector: up to
   * five live vacancies with links to the official ads, or a note that live listings are not
   * available now. The knowledge base's answer (how to apply, which papers) follows either way.
   */
  private async liveJobs(question: string, concepts: string[], tr: Translator, region: Region, role: Role): Promise<string[]> {
    const jobs = this.parts.jobs;
    if (!jobs || !region.jobs || role !== 'migrant' || !concepts.some((c) => JOB_SEARCH_CONCEPTS.includes(c))) return [];
    const occupation = jobs.finder.find(question);
    if (!occupation) return [];
    const term = jobs.finder.searchTerm(occupation, region.country);
    const place = region.jobs.place ?? region.towns[0] ?? shortName(region);
    const result = await jobs.search.search(term, { ...region.jobs, place });
    if (result.fallback) return [tr.t('jobs.unavailable')];
    const today = new Date(this.now()).toISOString().slice(0, 10);
    if (!result.jobs.length) return [tr.t('jobs.none', { occupation: term, place, source: result.source })];
    const lines = result.jobs.map((job) => `• ${job.title}${job.employer ? ` – ${job.employer}` : ''}${job.place ? `, ${job.place}` : ''}${job.date ? ` (${job.date})` : ''}\n  ${job.url}`);
    return [tr.t('jobs.intro', { occupation: term, place, source: result.source, date: today }), lines.join('\n'), tr.t('jobs.how_to_apply')];
  }

  private escalate(rule: EscalationRule, state: ConversationState, tr: Translator, region: Region | undefined): EngineResult {
    const escalation = { reason: rule.reason, severity: rule.severity };
    const reply = this.escalationReply(rule.reason, tr, region);
    const events: EngineEvent[] = [];
    if (rule.action === 'escalate') {
      state.handoff = 'queued';
      events.push({ type: 'escalate', reason: rule.reason, severity: rule.severity, ruleId: rule.id });
    }
    return { replies: [reply], state, events, lang: tr.lang, escalation };
  }

  /** The reply to an escalation, with the region's emergency numbers, office hours and contacts. */
  escalationReply(reason: EscalationReason, tr: Translator, region: Region | undefined): Reply {
    const emergency = region ? emergencyNumbers(region) : '112';
    const helplines = region?.emergency.helplines.map((h) => `${h.name}: ${h.number}`).join('; ') ?? '';
    const params = {
      region: region ? shortName(region) : 'MILEstone',
      hours: region ? officeHours(region, tr.lang) : '',
      emergency,
      helplines: helplines || emergency,
    };
    const body: string[] = [tr.t(`escalate.${reason}`, params)];
    if (reason === 'urgent_danger' || reason === 'self_harm') body.push(tr.t('escalate.human_request', params));
    if (region && reason !== 'forbidden_topic') {
      const office = this.contactOffice(region);
      const contact = { office: office.name, contact: office.phone ?? office.url ?? '' };
      // Outside office hours nobody may answer soon: the office's own contact, and the case stays queued.
      body.push(isOfficeOpen(region, this.now()) ? tr.t('escalate.queued', params) : tr.t('escalate.outside_hours', { ...params, ...contact }));
    }
    return makeReply('escalation', tr, body);
  }

  private now(): Date {
    return this.parts.now?.() ?? new Date();
  }

  private notFoundReply(tr: Translator, region: Region): Reply {
    const office = this.contactOffice(region);
    return makeReply('not-found', tr, [
      tr.t('answer.not_found', { region: shortName(region) }),
      tr.t('answer.offer_person', { office: office.name, contact: office.phone ?? office.url ?? '', region: shortName(region) }),
    ]);
  }

  private contactOffice(region: Region) {
    return region.offices.find((o) => o.id === region.contactOffice) ?? region.offices[0]!;
  }

  private async onboard(text: string, state: ConversationState, tr: Translator): Promise<EngineResult> {
    const replies: Reply[] = [];
    if (!state.regionId) {
      const region = this.findRegion(text);
      if (region) {
        state.regionId = region.id;
      } else {
        if (looksLikeQuestion(text)) state.pendingQuestion = text;
        replies.push(makeReply('onboarding', tr, [tr.t('onboarding.welcome')]), this.askRegion(tr));
        return { replies, state, events: [], lang: tr.lang };
      }
    }
    if (!state.role) {
      const role = this.findRole(text);
      if (!role) {
        replies.push(this.askRole(tr));
        return { replies, state, events: [], lang: tr.lang };
      }
      state.role = role;
    }
    return this.finishOnboarding(state, tr);
  }

  /** Shows the privacy notice once, then answers the question asked before onboarding, if any. */
  private async finishOnboarding(state: ConversationState, tr: Translator): Promise<EngineResult> {
    const region = this.parts.knowledge.regions.get(state.regionId!)!;
    const replies: Reply[] = [];
    if (!state.privacyNoticeAt) {
      state.privacyNoticeAt = new Date().toISOString();
      replies.push(
        makeReply('onboarding', tr, [tr.t('onboarding.privacy', { region: region.name, days: region.retention.deleteClosedAfterDays })]),
      );
    }
    const pending = state.pendingQuestion;
    state.pendingQuestion = undefined;
    if (pending && state.role) {
      const answered = await this.answer(pending, state, tr, region, state.role);
      return { ...answered, replies: [...replies, ...answered.replies] };
    }
    replies.push(makeReply('onboarding', tr, [tr.t('onboarding.done')]));
    return { replies, state, events: [], lang: tr.lang };
  }

  private askRegion(tr: Translator): Reply {
    const regions = [...this.parts.knowledge.regions.values()];
    const list = regions.map((r, i) => `${i + 1}. ${r.localName}`).join('\n');
    return makeReply('onboarding', tr, [tr.t('onboarding.ask_region', { list })], {
      choices: regions.map((r) => ({ label: r.localName, value: `region:${r.id}` })),
    });
  }

  private askRole(tr: Translator): Reply {
    const migrant = tr.t('role.migrant');
    const employer = tr.t('role.employer');
    return makeReply('onboarding', tr, [tr.t('onboarding.ask_role', { migrant, employer })], {
      choices: [
        { label: migrant, value: 'role:migrant' },
        { label: employer, value: 'role:employer' },
      ],
    });
  }

  private askLanguage(tr: Translator): Reply {
    const names = SUPPORTED_LANGUAGES.filter((code) => this.parts.i18n.has(code));
    return makeReply('command', tr, [tr.t('onboarding.ask_language', { examples: names.join(', ') })], {
      choices: names.map((code) => ({ label: this.parts.i18n.translator(code).t('language.name'), value: `lang:${code}` })),
    });
  }

  /** A region named by number, id, name or one of its towns. */
  findRegion(text: string): Region | undefined {
    const regions = [...this.parts.knowledge.regions.values()];
    const folded = fold(text).trim();
    const number = /^\d+$/.test(folded) ? Number(folded) : NaN;
    if (number >= 1 && number <= regions.length) return regions[number - 1];
    const byId = regions.find((r) => r.id === folded);
    if (byId) return byId;
    if (folded.length < 3) return undefined;
    return regions.find((r) =>
      [r.name, r.localName, ...r.towns].some((name) => {
        const n = fold(name);
        return n.length >= 3 && (folded === n || folded.includes(n));
      }),
    );
  }

  private findRole(text: string): Role | undefined {
    const folded = fold(text).trim();
    if (folded === '1' || folded === 'migrant') return 'migrant';
    if (folded === '2' || folded === 'employer') return 'employer';
    for (const lang of this.parts.i18n.languages) {
      const t = this.parts.i18n.translator(lang).t;
      if (folded === fold(t('role.migrant'))) return 'migrant';
      if (folded === fold(t('role.employer'))) return 'employer';
    }
    const concepts = this.parts.retriever.analyzer.concepts.match(text);
    if (concepts.has('employer') || concepts.has('hire')) return 'employer';
    return undefined;
  }

  private async handleChoice(choice: string, state: ConversationState, tr: Translator): Promise<EngineResult> {
    const [kind, value = ''] = choice.split(':');
    if (kind === 'region' && this.parts.knowledge.regions.has(value)) {
      state.regionId = value;
      if (!state.role) return { replies: [this.askRole(tr)], state, events: [], lang: tr.lang };
      const region = this.parts.knowledge.regions.get(value)!;
      return { replies: [makeReply('command', tr, [tr.t('command.region_set', { region: region.name })])], state, events: [], lang: tr.lang };
    }
    if (kind === 'role' && (value === 'migrant' || value === 'employer')) {
      state.role = value;
      if (!state.regionId) return { replies: [this.askRegion(tr)], state, events: [], lang: tr.lang };
      return this.finishOnboarding(state, tr);
    }
    if (kind === 'rate' && state.ratingRequested && /^[1-5]$/.test(value)) {
      state.ratingRequested = false;
      return { replies: [makeReply('notice', tr, [tr.t('handoff.rating_thanks')])], state, events: [{ type: 'rating', value: Number(value) }], lang: tr.lang };
    }
    if (kind === 'lang' && this.parts.i18n.has(value)) {
      state.lang = value;
      state.langChosen = true;
      const chosen = this.parts.i18n.translator(value);
      return { replies: [makeReply('command', chosen, [chosen.t('command.language_set')])], state, events: [], lang: value };
    }
    return { replies: [makeReply('notice', tr, [tr.t('command.unknown')])], state, events: [], lang: tr.lang };
  }

  private async handleCommand(text: string, state: ConversationState, tr: Translator): Promise<EngineResult> {
    const [rawCommand = '', ...args] = text.slice(1).split(/\s+/);
    const command = rawCommand.toLowerCase().replace(/@.*$/, '');
    const arg = args.join(' ').trim().toLowerCase();
    const region = state.regionId ? this.parts.knowledge.regions.get(state.regionId) : undefined;
    const done = (replies: Reply[], events: EngineEvent[] = []): EngineResult => ({ replies, state, events, lang: tr.lang });
    switch (command) {
      case 'start': {
        const chosen = arg ? this.findRegion(arg) : undefined;
        if (chosen) state.regionId = chosen.id;
        if (!state.regionId) return done([makeReply('onboarding', tr, [tr.t('onboarding.welcome')]), this.askRegion(tr)]);
        if (!state.role) return done([makeReply('onboarding', tr, [tr.t('onboarding.welcome')]), this.askRole(tr)]);
        return this.finishOnboarding(state, tr);
      }
      case 'help':
        return done([makeReply('command', tr, [tr.t('command.help')])]);
      case 'region': {
        if (!arg) return done([this.askRegion(tr)]);
        const chosen = this.findRegion(arg);
        if (!chosen) {
          const list = [...this.parts.knowledge.regions.keys()].join(', ');
          return done([makeReply('command', tr, [tr.t('onboarding.region_unknown', { list })])]);
        }
        state.regionId = chosen.id;
        return done([makeReply('command', tr, [tr.t('command.region_set', { region: chosen.name })])]);
      }
      case 'role': {
        if (arg !== 'migrant' && arg !== 'employer') return done([makeReply('command', tr, [tr.t('command.role_unknown')])]);
        state.role = arg;
        return done([makeReply('command', tr, [tr.t('command.role_set', { role: tr.t(`role.${arg}`) })])]);
      }
      case 'language': {
        if (!arg) return done([this.askLanguage(tr)]);
        if (!this.parts.i18n.has(arg)) {
          return done([makeReply('command', tr, [tr.t('command.language_unknown', { list: this.parts.i18n.languages.join(', ') })])]);
        }
        return this.handleChoice(`lang:${arg}`, state, tr);
      }
      case 'human': {
        state.handoff = 'queued';
        return {
          replies: [this.escalationReply('human_request', tr, region)],
          state,
          events: [{ type: 'escalate', reason: 'human_request', severity: 'normal' }],
          lang: tr.lang,
          escalation: { reason: 'human_request', severity: 'normal' },
        };
      }
      case 'privacy': {
        const days = region?.retention.deleteClosedAfterDays ?? 90;
        if (arg === 'export') return done([makeReply('command', tr, [tr.t('command.privacy', { days })])], [{ type: 'export-data' }]);
        return done([makeReply('command', tr, [tr.t('command.privacy', { days })])]);
      }
      case 'delete': {
        if (arg !== 'yes') return done([makeReply('command', tr, [tr.t('command.delete_confirm')])]);
        const fresh: ConversationState = { handoff: 'bot', misses: 0, recent: [] };
        return { replies: [makeReply('command', tr, [tr.t('command.delete_done')])], state: fresh, events: [{ type: 'delete-data' }], lang: tr.lang };
      }
      default:
        return done([makeReply('notice', tr, [tr.t('command.unknown')])]);
    }
  }
}

function remember(state: ConversationState, from: 'user' | 'bot', text: string): void {
  state.recent.push({ from, text: text.slice(0, 500) });
  if (state.recent.length > RECENT_TURNS) state.recent.splice(0, state.recent.length - RECENT_TURNS);
}

/** A message that asks something, rather than answering an onboarding question. */
function looksLikeQuestion(text: string): boolean {
  return text.split(/\s+/).length >= 3;
}

function emergencyNumbers(region: Region): string {
  const e = region.emergency;
  const numbers = [e.general, e.police, e.ambulance].filter((n): n is string => Boolean(n));
  return [...new Set(numbers)].join(' / ');
}

/** The region's name without its qualifier: "Burgenlandkreis", not "Burgenlandkreis, Saxony-Anhalt". */
export function shortName(region: Region): string {
  return region.name.split(/[,(]/)[0]!.trim();
}

/**
 * The question without the region's own place names: every document of the region shares
 * them, so they only make an off-topic question ("best pizza in Linköping?") look relevant.
 */
export function withoutPlaceNames(question: string, region: Region): string {
  const names = new Set([region.name, region.localName, ...region.towns].flatMap((n) => n.split(/[\s,()]+/)).map((w) => fold(w)).filter((w) => w.length >= 4));
  const kept = question.split(/\s+/).filter((word) => !names.has(fold(word).replace(/[^\p{L}\p{N}]/gu, '')));
  return kept.length ? kept.join(' ') : question;
}

/** Whether the region's staff are at work now, in the region's own time zone. */
export function isOfficeOpen(region: Region, now: Date): boolean {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: region.timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = get('weekday').toLowerCase().slice(0, 3);
  const time = `${get('hour')}:${get('minute')}`;
  const { days, from, to } = region.officeHours;
  return days.includes(day) && time >= from && time < to;
}

/** "Mon–Fri 09:00–16:00" in the user's language. */
export function officeHours(region: Region, lang: string): string {
  const { days, from, to } = region.officeHours;
  const monday = Date.UTC(2024, 0, 1);
  const index = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  const name = (day: string) => {
    try {
      return new Intl.DateTimeFormat(lang, { weekday: 'short', timeZone: 'UTC' }).format(monday + index.indexOf(day) * 86_400_000);
    } catch {
      return day;
    }
  };
  const span = days.length > 1 ? `${name(days[0]!)}–${name(days[days.length - 1]!)}` : name(days[0]!);
  return `${span} ${from}–${to}`;
}

const displayNames = new Map<string, Intl.DisplayNames | null>();

/** A language's name in the reader's language ("англійська" for en, read in Ukrainian). */
export function languageName(code: string, inLang: string): string {
  if (!displayNames.has(inLang)) {
    try {
      displayNames.set(inLang, new Intl.DisplayNames([inLang], { type: 'language' }));
    } catch {
      displayNames.set(inLang, null);
    }
  }
  return displayNames.get(inLang)?.of(code) ?? code;
}
