#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: one copy of the code, no build step to forget.
import { register } from 'tsx/esm/api';

register();
await import('../harness/cli/main.ts');
