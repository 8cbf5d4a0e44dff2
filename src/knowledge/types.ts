/** The seven topics every region must cover; documents may add more. */
export const REQUIRED_TOPICS = [
  'work-rights',
  'recognition',
  'employer-hiring',
  'integration-services',
  'language-courses',
  'jobs',
  'urgent-help',
] as const;

export type Audience = 'migrant' | 'employer' | 'both';
export type Role = 'migrant' | 'employer';

/** One knowledge document in one language, as written under knowledge/<scope>/. */
export interface KnowledgeDocument {
  id: string;
  title: string;
  lang: string;
  audience: Audience;
  topics: string[];
  sources: string[];
  verified: string;
  expires?: string;
  questions: Record<string, string[]>;
  body: string;
  /** `eu`, a country code or a region id: the folder the file lives in. */
  scope: string;
  file: string;
}

/** A retrievable piece of a document: one section, keeping the document's metadata. */
export interface Passage {
  id: string;
  docId: string;
  lang: string;
  scope: string;
  audience: Audience;
  topics: string[];
  title: string;
  heading: string;
  text: string;
  sources: string[];
  verified: string;
  /** 0 for the document's opening paragraph, which answers its main question. */
  position: number;
}

export interface Office {
  id: string;
  kind: string;
  name: string;
  localName?: string | null;
  helpsWith?: string | null;
  address?: string | null;
  phone?: string | null;
  url?: string | null;
  hours?: string | null;
}

export interface Helpline {
  name: string;
  number: string;
  note?: string | null;
}

export interface Region {
  id: string;
  name: string;
  localName: string;
  country: string;
  languages: string[];
  timezone: string;
  towns: string[];
  offices: Office[];
  emergency: { general: string; police?: string | null; ambulance?: string | null; helplines: Helpline[] };
  contactOffice: string;
  staff: { telegramChatId?: string | null; teamsChannelId?: string | null };
  officeHours: { days: string[]; from: string; to: string };
  /** Minutes a queued case waits before the user is given the office's own contact. */
  unclaimedMinutes: number;
  retention: { idleCloseDays: number; deleteClosedAfterDays: number };
  /** Where live vacancies come from, when a connector exists for the region. */
  jobs?: RegionJobs;
}

/** A region's live job source (regions.yaml `jobs`). */
export interface RegionJobs {
  source: 'ba-jobsuche' | 'jobtech';
  /** Place to search around (BA: `wo`). */
  place?: string;
  radiusKm?: number;
  /** JobTech municipality concept id. */
  municipality?: string;
}

export type EscalationReason =
  | 'human_request'
  | 'urgent_danger'
  | 'self_harm'
  | 'legal_case'
  | 'exploitation'
  | 'forbidden_topic'
  | 'repeated_failure';

/** A rule that sends a message to a person (or to a fixed reply); data in knowledge/escalation.yaml. */
export interface EscalationRule {
  id: string;
  reason: EscalationReason;
  severity: 'normal' | 'urgent';
  action: 'escalate' | 'offer';
  reply: string;
  patterns: { lang: string; regex: RegExp }[];
}

/** A concept shared across languages, with the word starts that name it in each. */
export interface Concept {
  id: string;
  terms: Record<string, string[]>;
}

export interface Knowledge {
  regions: Map<string, Region>;
  documents: KnowledgeDocument[];
  passages: Passage[];
  escalationRules: EscalationRule[];
  concepts: Concept[];
  /** Hash of every file under knowledge/: an index built from the same hash is still valid. */
  fingerprint: string;
}
