// The part of autocannon's programmatic API the benchmarks use (the package ships no typings).
declare module 'autocannon' {
  export interface Histogram {
    readonly average: number;
    readonly mean: number;
    readonly stddev: number;
    readonly min: number;
    readonly max: number;
    readonly p50: number;
    readonly p90: number;
    readonly p97_5: number;
    readonly p99: number;
  }
  export interface Result {
    readonly requests: Histogram & { readonly total: number; readonly sent: number };
    readonly latency: Histogram;
    readonly errors: number;
    readonly timeouts: number;
    readonly non2xx: number;
    readonly '2xx': number;
    readonly '4xx': number;
    readonly '5xx': number;
    /** Seconds. */
    readonly duration: number;
  }
  export interface Options {
    readonly url: string;
    readonly connections?: number;
    /** Seconds. */
    readonly duration?: number;
    /** Total requests (instead of a duration). */
    readonly amount?: number;
    readonly pipelining?: number;
    readonly method?: string;
    readonly headers?: Record<string, string>;
    readonly body?: string;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
