import { redactPersonalData } from '../privacy/redact.js';
import type { ChatModel } from './llm.js';
import { fill, loadPrompt } from './prompts.js';

/**
 * What a model does for staff when one is configured: a short summary of an escalated case,
 * and translations between the user's language and the staff's. Any failure gives nothing
 * back, and the staff see the original text.
 */
export class StaffAssistant {
  constructor(private readonly model: ChatModel) {}

  async summarize(transcript: string, regionName: string, staffLanguage: string): Promise<string | undefined> {
    const prompt = loadPrompt('staff-summary');
    const values = { regionName, staffLanguage: languageName(staffLanguage), transcript: redactPersonalData(transcript) };
    return this.model.complete(fill(prompt.system, values), fill(prompt.user, values)).catch(() => undefined);
  }

  /** The text in `targetLang`; undefined when the model fails (the caller keeps the original). */
  async translate(text: string, targetLang: string): Promise<string | undefined> {
    const prompt = loadPrompt('translate');
    const values = { targetLanguage: languageName(targetLang), text };
    const translated = await this.model.complete(fill(prompt.system, values), fill(prompt.user, values)).catch(() => undefined);
    return translated?.replace(/^<<<\s*|\s*>>>$/g, '').trim() || undefined;
  }
}

function languageName(code: string): string {
  return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
}
