// The process's configuration alone, imported as "#platform/config" by what must start
// without the rest of the platform (`wow review`); "#platform" exports the same names.
export { loadConfig, type Config, type GitHubAppCredentials, type LlmSettings } from './load-config.ts';
