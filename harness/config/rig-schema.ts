/**
 * The shape of a rig file (rigs/<id>.yaml) as zod schemas: structure only. References between components and
 * to board profiles are checked in rig.ts and bench.ts. schema/rig.schema.json is generated from here.
 */
import { z } from 'zod';
import { FAMILIES } from '../families/index.js';
import { RELAY_BACKENDS } from '../pins/registry.js';
import { DUT_HEALTH } from './health.js';
import { componentId, dottedId, ms, pinName, portMatch, rate, serialSettings } from './schema-parts.js';

const notes = z.string().optional();

/** Most trials per DUT a run may plan (the rig's nightly.trials and --trials alike). */
export const MAX_TRIALS_PER_DUT = 100_000;
/** Longest time budget of a run, in minutes: a week. */
export const MAX_RUN_MINUTES = 7 * 24 * 60;
/** The follow-up budget of a rig that sets none (nightly.followUp). */
export const FOLLOW_UP_DEFAULTS = { maxTrials: 1000, maxMinutes: 30 } as const;

/** A rig's follow-up budget, its defaults filled in. */
export function followUpBudgetOf(given: { maxTrials?: number; maxMinutes?: number } | undefined): { maxTrials: number; maxMinutes: number } {
  return { maxTrials: given?.maxTrials ?? FOLLOW_UP_DEFAULTS.maxTrials, maxMinutes: given?.maxMinutes ?? FOLLOW_UP_DEFAULTS.maxMinutes };
}

export const cableSim = z.strictObject({
  bitErrorRate: rate.optional().describe('Probability that a bit flips on the wire'),
  dropRate: rate.optional().describe('Probability that a byte is lost'),
  openRate: rate.optional().describe('Probability per trial that the cable is open (nothing passes)'),
});
export const portSim = z.strictObject({
  disconnectRate: rate.optional().describe('Probability per trial that the port drops off the bus'),
  reenumerateMs: ms.optional().describe('Time the port takes to come back'),
  latencyMs: ms.optional().describe('Extra latency added to every transfer'),
});
export const supplySim = z.strictObject({
  brownoutRate: rate.optional().describe('Probability per trial of a brown-out that resets the board'),
  slowStartMs: ms.optional().describe('Extra power ramp time before the board starts'),
});
export const dutSim = z.strictObject({
  mode: z
    .enum([...new Set(FAMILIES.flatMap((family) => family.simulation.modes))])
    .optional()
    .describe(`Board stuck in this mode whatever its pins say (${FAMILIES.map((f) => `${f.name}: ${f.simulation.modes.join(', ')}`).join('; ')})`),
  bootloopRate: rate.optional(),
  deadRate: rate.optional(),
  bootDelayMs: ms.optional(),
});

/**
 * A relay board: a discriminated union on `driver`, one option per registered backend (harness/pins/registry.ts),
 * each with its own keys.
 */
const [firstRelay, ...otherRelays] = RELAY_BACKENDS.map((backend) => backend.schema);
export const relayBoardSchema = z
  .discriminatedUnion('driver', [firstRelay!, ...otherRelays])
  .describe("A relay board; its keys depend on its driver");

const pinWiring = z.union(
  [
    z.string(),
    z.strictObject({
      channel: z.string().describe('Relay channel id, e.g. rb1.3 or a1.dtr'),
      closed: z.enum(['active', 'inactive']).optional().describe('What a closed contact does to the pin (default active)'),
    }),
  ],
  { error: 'expected a relay channel like rb1.3, or { channel: rb1.3, closed: inactive }' },
);

export const dutSchema = z.strictObject({
  id: componentId,
  board: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, { error: 'expected a board profile id (a file name in boards/ without .yaml)' })
    .describe('Board profile id: boards/<board>.yaml'),
  serial: portMatch.optional().describe('Required on hardware rigs'),
  serialOverrides: serialSettings.optional().describe("Overrides of the profile's serial settings for this DUT"),
  cable: componentId,
  port: dottedId,
  supply: componentId,
  pins: z.record(pinName, pinWiring).describe('Each logical pin of the profile → relay channel'),
  sim: dutSim.optional(),
  notes,
  health: z
    .enum(DUT_HEALTH)
    .optional()
    .describe('good (default: in service), maintenance (being worked on: not run) or retired (gone for good: not run); say why in notes'),
});

export const rigSchema = z.strictObject({
  $schema: z.string().optional(),
  id: z.string().optional().describe('Must equal the file name stem when given'),
  lab: z
    .strictObject({
      id: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, { error: 'expected a lab id: letters, digits, . _ - (up to 63), e.g. lab2-bench1' })
        .describe("The rig's id across the lab; replaces the file name as the rig's id in the store and the reports"),
      site: z.string().min(1).max(100).optional().describe('Room, building or team, for grouping on the lab page'),
    })
    .optional()
    .describe('Lab identity of a rig sharing a store with other bench PCs (docs/lab.md)'),
  title: z.string().min(1),
  kind: z.enum(['simulated', 'hardware']),
  host: componentId.optional().describe('Host component id (default "host")'),
  boards: z.string().min(1).optional().describe('Directory of board profiles, relative to this file (default ../boards)'),
  notes,
  sim: z.strictObject({ seed: z.number().int().describe('Seed of every fault draw: same seed, same night') }).optional(),
  nightly: z
    .strictObject({
      trials: z.number().int().min(1).max(MAX_TRIALS_PER_DUT).optional().describe('Trials per DUT (default 100)'),
      concurrency: z.number().int().min(1).max(256).optional().describe('Lanes at once (default 8)'),
      trialTimeoutMs: z.number().int().min(1).optional().describe('Hard limit of one trial (default 10000)'),
      historyNights: z.number().int().min(1).max(3650).optional().describe('Nights of history for diagnosis (default 14)'),
      notify: z
        .string()
        .trim()
        .min(1, { error: 'an empty command: give a command line, e.g. scripts/post-to-chat.sh' })
        .optional()
        .describe('Command run (by /bin/sh) when a night ends with new flags; the summary.json path is appended as its argument'),
      notifyTimeoutMs: z.number().int().min(1).max(3_600_000).optional().describe('The notify command is killed after this long (default 30000)'),
      maxMinutes: z
        .number()
        .positive()
        .max(MAX_RUN_MINUTES)
        .optional()
        .describe('Time budget of a nightly run in minutes: no trial starts that would end after it (default: none)'),
      followUp: z
        .strictObject({
          maxTrials: z
            .number()
            .int()
            .min(0)
            .max(MAX_TRIALS_PER_DUT)
            .optional()
            .describe(`Follow-up trials a night may spend in all, on the DUTs of parts left at suspect or watch (default ${FOLLOW_UP_DEFAULTS.maxTrials}; 0: none)`),
          maxMinutes: z
            .number()
            .positive()
            .max(MAX_RUN_MINUTES)
            .optional()
            .describe(`Time budget of the follow-up trials in minutes, after the planned ones (default ${FOLLOW_UP_DEFAULTS.maxMinutes})`),
        })
        .optional()
        .describe('Follow-up trials: after the planned trials, more trials of the DUTs of parts at suspect or watch, until a sequential test flags or clears each'),
    })
    .optional(),
  relays: z.array(relayBoardSchema).optional(),
  hubs: z.array(z.strictObject({ id: componentId, upstream: z.string().optional(), sim: portSim.optional(), notes })).optional(),
  ports: z.array(z.strictObject({ id: dottedId, hub: componentId.optional(), sim: portSim.optional(), notes })).optional(),
  cables: z.array(z.strictObject({ id: componentId, sim: cableSim.optional(), notes })).optional(),
  supplies: z.array(z.strictObject({ id: componentId, sim: supplySim.optional(), notes })).optional(),
  duts: z.array(dutSchema).min(1),
  spares: z
    .strictObject({
      cables: z.array(componentId).optional().describe('Cables declared under cables that no DUT uses'),
      ports: z.array(dottedId).optional().describe('USB ports declared under ports that no DUT uses'),
      relays: z.array(z.string()).optional().describe('Relay channels (e.g. rb1.15) that no DUT pin is wired to'),
    })
    .optional()
    .describe('Parts on hand for a swap; the diagnosis proposes them before any other part'),
});

export type RigInput = z.infer<typeof rigSchema>;
export type DutInput = z.infer<typeof dutSchema>;
