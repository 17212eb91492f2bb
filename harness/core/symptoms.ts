/**
 * The symptom table: how a trial ended, as the bytes and timings show it, and what usually causes it. Every list of
 * symptoms in shakedown (records, the store, the diagnosis' tests and symptom fit, the report's legend and JUnit
 * checks) is this table's keys, in this order. Names are stored and written to summary.json: a contract.
 */

export interface SymptomFacts {
  /** What the bytes and timings of the trial show. */
  shows: string;
  /** The same in a few words, for legends. */
  brief: string;
  /** What usually causes it, most likely first. */
  causes: readonly string[];
}

export const SYMPTOM_TABLE = {
  ok: {
    shows: 'the expected answers, in time',
    brief: 'passed',
    causes: [],
  },
  silent: {
    shows: 'nothing at all after reset',
    brief: 'nothing after reset',
    causes: ['boot pins not in boot-ROM mode', 'board unpowered', 'TX/RX swapped', 'wrong port', 'cable open'],
  },
  'wrong-mode': {
    shows: 'a well-formed answer of another mode: MediaTek Preloader `READY`/version byte to GET_BL_VER, STM32 application text',
    brief: 'answered in another boot mode',
    causes: ['strapping/test point not held', 'relay not switching', 'wrong profile'],
  },
  'unexpected-reply': {
    shows: 'a consistent wrong byte (e.g. 0x68), +1 echoes, printable ASCII',
    brief: 'a consistent wrong answer',
    causes: ['protocol/mode mismatch', 'log text', 'wrong baud'],
  },
  corrupt: {
    shows: 'an expected constant one or two bits off, parity/framing errors, lost bytes',
    brief: 'bit errors or lost bytes',
    causes: ['cable', 'connector', 'ground', 'baud mismatch', 'noisy USB port'],
  },
  flood: {
    shows: 'many bytes before or during the handshake',
    brief: 'many unasked bytes',
    causes: ['bootloop', 'wrong mode printing logs'],
  },
  late: {
    shows: 'the right answer after its deadline',
    brief: 'right answer after its deadline',
    causes: ['slow power ramp', 'boot delay too short', 'USB latency'],
  },
  'reset-mid': {
    shows: 'the device restarts mid-handshake (sync lost, banner again)',
    brief: 'restarted mid-handshake',
    causes: ['brown-out: weak supply', 'relay sag'],
  },
  'port-lost': {
    shows: 'the OS port vanishes or errors (ENODEV/EIO) mid-trial',
    brief: 'the serial port vanished',
    causes: ['USB port/hub', 'cable', 'power dip re-enumerating the adapter'],
  },
  'port-open-failed': {
    shows: 'ENOENT / EACCES / EBUSY at open',
    brief: 'could not open the port',
    causes: ['wrong path', 'permissions (dialout)', 'another program holds it'],
  },
} as const satisfies Record<string, SymptomFacts>;

export type Symptom = keyof typeof SYMPTOM_TABLE;
/** A symptom of a failed trial (every one but ok). */
export type FailingSymptom = Exclude<Symptom, 'ok'>;

export const SYMPTOMS = Object.keys(SYMPTOM_TABLE) as readonly Symptom[];
export const FAILING_SYMPTOMS = SYMPTOMS.filter((s): s is FailingSymptom => s !== 'ok');
