/** A rig together with the board profiles its DUTs name, checked against each other. */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { familyNamed } from '../families/index.js';
import type { BoardProfile, LoadedBench } from './types.js';
import { loadProfile } from './board.js';
import { checkTrialTimeout } from './feasibility.js';
import { ConfigError, didYouMean, type ConfigIssue } from './issues.js';
import { asList, asMap, asString } from './raw.js';
import { parseRig } from './rig.js';
import { readConfigSource, type ConfigSource } from './source.js';

/**
 * Loads a rig and the profiles of its DUTs (from `boardsDir`, else the rig's `boards:` key relative to the rig,
 * else <rig dir>/../boards) and cross-checks them (feasibility.ts: each profile fits the rig's trial timeout);
 * throws ConfigError listing every problem of every file. validate, run and nightly all load a rig this way before
 * any relay is touched.
 */
export function loadBench(rigFile: string, boardsDir?: string): LoadedBench {
  const source = readConfigSource(rigFile);
  const { rig, issues } = parseRig(source);
  const boards = asString(asMap(source.data)?.boards) ?? '../boards';
  const dir = boardsDir ?? (isAbsolute(boards) ? boards : join(dirname(rigFile), boards));
  const profiles = new Map<string, BoardProfile>();
  issues.push(...checkProfiles(source, dir, profiles));
  if (!rig || issues.length > 0) throw new ConfigError(issues);
  const infeasible = checkTrialTimeout(source, rig, profiles);
  if (infeasible.length > 0) throw new ConfigError(infeasible);
  return { rig, profiles };
}

/** Profile ids available in `dir` (file stems of *.yaml). */
export function profileIdsIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.yaml'))
      .map((name) => name.slice(0, -'.yaml'.length))
      .sort();
  } catch {
    return [];
  }
}

function checkProfiles(source: ConfigSource, dir: string, profiles: Map<string, BoardProfile>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const failed = new Set<string>();
  const available = profileIdsIn(dir);
  asList(asMap(source.data)?.duts).forEach((item, i) => {
    const dut = asMap(item);
    const board = asString(dut?.board);
    if (!dut || !board || !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(board)) return;
    if (!profiles.has(board) && !failed.has(board)) {
      const file = join(dir, `${board}.yaml`);
      if (!existsSync(file)) {
        failed.add(board);
        issues.push(source.issue(['duts', i, 'board'], `unknown board profile '${board}'${didYouMean(board, available)}: there is no ${file} (profiles in ${dir}: ${available.join(', ') || 'none'})`, 'value'));
        return;
      }
      try {
        profiles.set(board, loadProfile(file));
      } catch (error) {
        failed.add(board);
        if (!(error instanceof ConfigError)) throw error;
        issues.push(source.issue(['duts', i, 'board'], `board profile '${board}' has errors (listed under ${file})`, 'value'), ...error.issues);
        return;
      }
    }
    const profile = profiles.get(board);
    if (!profile) return;
    const wired = asMap(dut.pins);
    const declared = Object.keys(profile.pins);
    for (const pin of declared) {
      if (!wired || !(pin in wired)) {
        issues.push(source.issue(wired ? ['duts', i, 'pins'] : ['duts', i, 'id'], `pin '${pin}' of board ${board} is not wired: add ${pin}: <relay channel> under pins (every pin of the profile needs a channel)`));
      }
    }
    const unwired = declared.filter((pin) => !wired || !(pin in wired));
    for (const pin of Object.keys(wired ?? {})) {
      if (!declared.includes(pin)) {
        issues.push(source.issue(['duts', i, 'pins', pin], `board ${board} has no pin '${pin}'${didYouMean(pin, unwired)} (its pins: ${declared.join(', ')})`));
      }
    }
    const mode = asMap(dut.sim)?.mode;
    const family = familyNamed(profile.family);
    const modes = family?.simulation.modes;
    if (typeof mode === 'string' && modes && !modes.includes(mode)) {
      issues.push(source.issue(['duts', i, 'sim', 'mode'], `a ${family!.name} board has no mode '${mode}' (use ${modes.join(' or ')})`, 'value'));
    }
  });
  return issues;
}
