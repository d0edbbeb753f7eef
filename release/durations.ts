/** The shortest and longest wait a promotion step takes. */
export const DURATION_LIMITS = { minMs: 1_000, maxMs: 24 * 60 * 60 * 1_000 } as const;

/** What a duration must look like, in words, for messages. */
export const DURATION_RULE = 'must be a duration from 1s to 24h: a whole number followed by s, m or h, such as 30s, 5m or 1h';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

/**
 * Milliseconds of a duration written `<n>s`, `<n>m` or `<n>h` (`30s`, `5m`, `1h`), from 1s to
 * 24h; undefined for anything else ({@link DURATION_RULE} says why).
 */
export function parseDuration(text: string): number | undefined {
  const match = /^([1-9][0-9]{0,5})([smh])$/.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return ms >= DURATION_LIMITS.minMs && ms <= DURATION_LIMITS.maxMs ? ms : undefined;
}

/** A duration for people: `90 s` as `1m 30s`, `3600 s` as `1h`. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1_000);
  const parts = [
    [Math.floor(seconds / 3_600), 'h'],
    [Math.floor((seconds % 3_600) / 60), 'm'],
    [seconds % 60, 's'],
  ] as const;
  const text = parts.filter(([n]) => n > 0).map(([n, unit]) => `${n}${unit}`).join(' ');
  return text || '0s';
}
