/**
 * Removes personal details that an answer never needs before text leaves for an LLM or an
 * embedding API: e-mail addresses, phone numbers, IBANs and document numbers.
 */
export function redactPersonalData(text: string): string {
  return text
    .replace(/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu, '[email]')
    .replace(/\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}\b/g, '[iban]')
    .replace(/(?<![\p{L}\p{N}])\+?\d[\d\s().-]{7,}\d(?![\p{L}\p{N}])/gu, (match) => (match.replace(/\D/g, '').length >= 8 ? '[number]' : match))
    .replace(/\b[A-Z]{1,3}\d{6,9}\b/g, '[document]');
}
