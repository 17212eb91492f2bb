/** Counted nouns in the right number, everywhere a count is written for a person. */

/** "1 trial", "3 trials", "1 supply" / "2 supplies" (give the plural when it is not the noun + s). */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}
