// html-to-text ships no types: the one function and the options this agent uses, as its README defines them.
declare module 'html-to-text' {
  interface Selector {
    selector: string;
    format?: string;
    options?: Record<string, unknown>;
  }
  interface Options {
    wordwrap?: number | false | null;
    selectors?: Selector[];
    baseElements?: { selectors?: string[] };
  }
  export function convert(html: string, options?: Options): string;
}
