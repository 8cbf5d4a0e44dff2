/**
 * The few error kinds callers must tell apart. A user never sees a stack trace: user-facing
 * failures become a localised message, operator-facing ones a log line with context.
 */

/** A configuration value is missing or not allowed; the process cannot start. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly variable: string,
    readonly allowed: string,
  ) {
    super(`${variable}: ${allowed}`);
  }
}

/** A knowledge file (document, regions.yaml, rules) is invalid; names the file and the field. */
export class KnowledgeError extends Error {
  override name = 'KnowledgeError';
  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${file}: ${field}: ${detail}`);
  }
}

/** An outside service (LLM, embedding API, job API, Bot API) failed or answered nonsense. */
export class ServiceError extends Error {
  override name = 'ServiceError';
  constructor(
    readonly service: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${service}: ${message}`, options);
  }
}
