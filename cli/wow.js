#!/usr/bin/env node
// The `wow` command's entry, in plain JavaScript on purpose: Node strips a .ts file's types
// with a parser it loads on first use (about 50 ms), and only what loads after
// enableCompileCache() is served from the cache on disk, types already stripped. A .ts
// entry would pay for that parser on every run; this one never does once the cache is warm.
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./main.ts');
