// Hidden characters alone, imported as "#platform/text" by what must start without the
// rest of the platform (`wow review`); "#platform" exports the same names.
export {
  codePointOf,
  escapeCodePoint,
  escapeHiddenCharacters,
  hiddenCharacterName,
  hiddenCharacterPattern,
  hiddenKindOf,
  hiddenKinds,
  type HiddenKind,
} from './hidden-characters.ts';
