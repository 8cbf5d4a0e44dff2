export { I18n, type Translator } from './i18n.js';
export { LanguageDetector, type Detection } from './detect.js';
export { SUPPORTED_LANGUAGES, isRightToLeft } from './languages.js';
