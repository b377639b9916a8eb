// Git alone, imported as "#platform/git" by what must start without the rest of the
// platform (`wow review`); "#platform" exports the same names.
export { openBlobReader, runGit } from './run-git.ts';
